package io.karst.etcdserver.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Karst etcd endpoint",
        description = "Serves the etcd v3 API over the registered datastore; exists only when configured")
public @interface EtcdServerConfig {

    @AttributeDefinition(description = "Where to listen: unix:///absolute/path.sock, or host:port or "
            + "http://host:port on a loopback address (port 0 picks a free one). Plaintext without "
            + "authentication, so other addresses are refused")
    String listen() default "127.0.0.1:2379";
}
