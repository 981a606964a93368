package io.karst.datastore.sqlite.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.karst.datastore.sqlite.SqliteSync;

/** Configuration of PID {@code io.karst.datastore.sqlite}; DS maps {@code data_dir} to {@code data.dir}. */
@ObjectClassDefinition(name = "Karst SQLite datastore")
public @interface SqliteStoreConfig {

    @AttributeDefinition(description = "Data directory; the database is <data-dir>/server/db/state.db (--data-dir)")
    String data_dir() default "/var/lib/karst";

    @AttributeDefinition(description = "FULL: acknowledged writes survive power loss; NORMAL: they survive a "
            + "process crash only")
    SqliteSync synchronous() default SqliteSync.FULL;

    @AttributeDefinition(description = "Largest value accepted, in bytes")
    int max_value_bytes() default 3 * 512 * 1024;

    @AttributeDefinition(description = "Connections serving reads and watch replays")
    int read_connections() default 4;

    @AttributeDefinition(description = "Seconds between automatic compactions; 0 turns automatic compaction off")
    long compaction_interval_seconds() default 300;

    @AttributeDefinition(description = "History younger than this many seconds survives compaction")
    long compaction_retention_seconds() default 300;

    @AttributeDefinition(description = "At least this many of the latest revisions survive compaction; with the "
            + "retention, whichever keeps more history wins")
    long compaction_min_revisions() default 1000;
}
