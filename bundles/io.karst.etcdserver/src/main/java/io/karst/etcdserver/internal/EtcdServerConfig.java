package io.karst.etcdserver.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Karst etcd endpoint",
        description = "Serves the etcd v3 API over the registered datastore; exists only when configured")
public @interface EtcdServerConfig {

    @AttributeDefinition(name = "listen.address",
            description = "Address to listen on. Plaintext without authentication: keep it on loopback")
    String listen_address() default "127.0.0.1";

    @AttributeDefinition(description = "TCP port; 0 picks a free one")
    int port() default 2379;
}
