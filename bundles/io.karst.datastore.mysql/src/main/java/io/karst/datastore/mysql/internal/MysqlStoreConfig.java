package io.karst.datastore.mysql.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code io.karst.datastore.mysql}; DS maps {@code ca_file} to {@code ca.file}. */
@ObjectClassDefinition(name = "Karst MySQL datastore")
public @interface MysqlStoreConfig {

    @AttributeDefinition(description = "--datastore-endpoint: mysql://user:password@tcp(host:3306)/database")
    String endpoint();

    @AttributeDefinition(description = "--datastore-cafile: CA the server's certificate must chain to")
    String ca_file() default "";

    @AttributeDefinition(description = "--datastore-certfile: client certificate; MariaDB Connector/J reads it "
            + "from the key file")
    String cert_file() default "";

    @AttributeDefinition(description = "--datastore-keyfile: client certificate and key as one PKCS#12 file (.p12)")
    String key_file() default "";

    @AttributeDefinition(description = "Largest value accepted, in bytes")
    int max_value_bytes() default 3 * 512 * 1024;

    @AttributeDefinition(description = "Connections serving reads and watch replays")
    int read_connections() default 4;

    @AttributeDefinition(description = "Seconds between attempts to reach a database that is down at start")
    int retry_seconds() default 2;
}
