package io.karst.pki.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of PID {@code io.karst.pki}, written by the launcher from the server's flags. DS maps each
 * method name to a property key by turning {@code _} into {@code .}: {@code data_dir} is {@code data.dir}.
 */
@ObjectClassDefinition(name = "Karst PKI")
public @interface PkiConfig {

    @AttributeDefinition(description = "Data directory; the PKI lives under <data-dir>/server (--data-dir)")
    String data_dir() default "/var/lib/karst";

    @AttributeDefinition(required = false, description = "This node's name, a serving certificate SAN (--node-name)")
    String node_name() default "";

    @AttributeDefinition(required = false, description = "This node's addresses, serving certificate SANs (--node-ip)")
    String[] node_ips() default {};

    @AttributeDefinition(required = false, description = "Extra serving certificate SANs (--tls-san)")
    String[] tls_sans() default {};

    @AttributeDefinition(description = "Cluster DNS domain (--cluster-domain)")
    String cluster_domain() default "cluster.local";

    @AttributeDefinition(description = "Service network; its first address is a SAN (--service-cidr)")
    String service_cidr() default "10.43.0.0/16";

    @AttributeDefinition(description = "API server port, written into the admin kubeconfig (--https-listen-port)")
    int https_port() default 6443;

    @AttributeDefinition(required = false, type = AttributeType.PASSWORD,
            description = "Server token or its bare secret (--token); generated on first start when empty")
    String token() default "";

    @AttributeDefinition(required = false, description = "Where to write the admin kubeconfig (--write-kubeconfig)")
    String write_kubeconfig() default "";

    @AttributeDefinition(description = "Octal file mode of that kubeconfig (--write-kubeconfig-mode)")
    String write_kubeconfig_mode() default "0600";

    @AttributeDefinition(description = "Whether servers share this server's datastore (an external one): the cluster's "
            + "CAs and service-account key are then kept in it, encrypted with the token, for every server. The "
            + "launcher also sets datastore.target and datastore.cardinality.minimum=1 then, so the PKI binds the "
            + "datastore and waits for it")
    boolean shared_datastore() default false;
}
