package io.karst.kubelet.eviction;

import java.util.Optional;

/**
 * The eviction signals the kubelet observes (upstream's names), the resource an eviction reclaims for each, and the
 * node condition a crossed threshold sets.
 */
public enum Signal {
    MEMORY_AVAILABLE("memory.available", "memory", "MemoryPressure"),
    NODEFS_AVAILABLE("nodefs.available", "ephemeral-storage", "DiskPressure"),
    NODEFS_INODES_FREE("nodefs.inodesFree", "inodes", "DiskPressure"),
    IMAGEFS_AVAILABLE("imagefs.available", "ephemeral-storage", "DiskPressure"),
    IMAGEFS_INODES_FREE("imagefs.inodesFree", "inodes", "DiskPressure"),
    PID_AVAILABLE("pid.available", "pids", "PIDPressure");

    private final String key;
    private final String resource;
    private final String condition;

    Signal(String key, String resource, String condition) {
        this.key = key;
        this.resource = resource;
        this.condition = condition;
    }

    /** As written in {@code eviction.hard}, e.g. {@code memory.available}. */
    public String key() {
        return key;
    }

    /** What evicting a pod reclaims, as upstream names it in the eviction message. */
    public String resource() {
        return resource;
    }

    /** The Node condition a crossed threshold of this signal sets. */
    public String condition() {
        return condition;
    }

    static Optional<Signal> byKey(String key) {
        for (Signal s : values()) {
            if (s.key.equals(key)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
