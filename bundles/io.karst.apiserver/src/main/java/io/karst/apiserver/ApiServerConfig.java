package io.karst.apiserver;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code io.karst.apiserver}, written by the launcher from the server's flags. */
@ObjectClassDefinition(name = "Karst API server")
public @interface ApiServerConfig {

    @AttributeDefinition(description = "HTTPS port (--https-listen-port)")
    int https_port() default 6443;

    @AttributeDefinition(description = "Address to listen on (--bind-address)")
    String bind_address() default "0.0.0.0";

    @AttributeDefinition(description = "Largest request body accepted, in bytes (upstream: 3 MiB)")
    int max_request_bytes() default 3 * 1024 * 1024;

    @AttributeDefinition(description = "Requests served at once before 429 Too Many Requests "
            + "(--max-requests-inflight); watches count only while they start")
    int max_requests_inflight() default 400;

    @AttributeDefinition(description = "Address this server advertises in the endpoints of the kubernetes Service "
            + "(--advertise-address, else the node's address); empty: the endpoints are not written")
    String advertise_address() default "";

    @AttributeDefinition(description = "How the kubernetes Service's endpoints are kept: lease (upstream's "
            + "default: every running server listed) or none (not written; --kube-apiserver-arg "
            + "endpoint-reconciler-type=none)")
    String endpoint_reconciler_type() default "lease";

    @AttributeDefinition(description = "Service network ClusterIPs are allocated from (--service-cidr, IPv4 part)")
    String service_cidr() default "10.43.0.0/16";

    @AttributeDefinition(description = "Cluster DNS Service addresses joining kubelets are told to use, "
            + "comma-separated (--cluster-dns)")
    String cluster_dns() default "10.43.0.10";

    @AttributeDefinition(description = "Cluster DNS domain joining kubelets are told (--cluster-domain)")
    String cluster_domain() default "cluster.local";

    @AttributeDefinition(description = "Pod network joining nodes are told, comma-separated for dual stack "
            + "(--cluster-cidr)")
    String cluster_cidr() default "10.42.0.0/16";

    @AttributeDefinition(description = "A token agents may also join with (--agent-token, full or short form); "
            + "empty: only the server token and bootstrap tokens")
    String agent_token() default "";

    @AttributeDefinition(description = "Node ports of NodePort and LoadBalancer Services")
    String service_node_port_range() default "30000-32767";

    @AttributeDefinition(description = "EncryptionConfiguration file of the resources encrypted at rest "
            + "(--secrets-encryption: <data-dir>/server/cred/encryption-config.json); empty: none")
    String encryption_provider_config() default "";

    @AttributeDefinition(description = "Generate the encryption configuration with a new AES-CBC key for Secrets "
            + "when it does not exist (--secrets-encryption)")
    boolean secrets_encryption() default false;

    @AttributeDefinition(description = "File the audit log is appended to, one audit.k8s.io/v1 Event a line at "
            + "level Metadata (--audit-log-path); empty: no audit log")
    String audit_log_path() default "";

    @AttributeDefinition(description = "Issuer of service-account tokens, their iss claim and the OIDC discovery "
            + "document's issuer (--service-account-issuer; K3s: https://kubernetes.default.svc.<cluster-domain>)")
    String service_account_issuer() default "https://kubernetes.default.svc.cluster.local";

    @AttributeDefinition(description = "Audiences a token must be meant for to authenticate, and the default "
            + "audiences of a TokenRequest (--api-audiences); empty: the service-account issuer")
    String[] api_audiences() default {};
}
