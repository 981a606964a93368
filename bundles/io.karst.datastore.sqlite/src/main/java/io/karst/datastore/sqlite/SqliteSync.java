package io.karst.datastore.sqlite;

/**
 * SQLite's {@code synchronous} setting in WAL mode, i.e. what an acknowledged write survives.
 */
public enum SqliteSync {
    /**
     * fsync of the WAL on every commit: an acknowledged write survives a process kill and a power loss, as
     * etcd's do. Batched commits share the fsync. The default.
     */
    FULL,
    /**
     * fsync only at checkpoints: an acknowledged write survives a process kill ({@code kill -9}), but a power
     * loss or kernel crash may roll back the last commits (never corrupt the database).
     */
    NORMAL
}
