package io.karst.datastore.pooled;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the external datastores, PIDs {@code io.karst.datastore.postgres} and
 * {@code io.karst.datastore.mysql}; DS maps {@code ca_file} to {@code ca.file}.
 */
@ObjectClassDefinition(name = "Karst external SQL datastore (PostgreSQL, MySQL, MariaDB)")
public @interface PooledStoreConfig {

    @AttributeDefinition(description = "--datastore-endpoint: postgres://user:password@host:5432/database or "
            + "mysql://user:password@tcp(host:3306)/database")
    String endpoint();

    @AttributeDefinition(description = "--datastore-cafile: CA the server's certificate must chain to")
    String ca_file() default "";

    @AttributeDefinition(description = "--datastore-certfile: client certificate (PEM)")
    String cert_file() default "";

    @AttributeDefinition(description = "--datastore-keyfile: client key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC), or a "
            + "PKCS#12 file (.p12) holding key and certificate")
    String key_file() default "";

    @AttributeDefinition(description = "Largest value accepted, in bytes")
    int max_value_bytes() default 3 * 512 * 1024;

    @AttributeDefinition(description = "Connections serving reads and watch replays")
    int read_connections() default 4;

    @AttributeDefinition(description = "Seconds between attempts to reach a database that is down at start")
    int retry_seconds() default 2;
}
