package io.karst.apiserver;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import javax.net.ssl.SSLException;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.condition.Condition;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.karst.api.admission.AdmissionPlugin;
import io.karst.api.client.ResourceClient;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.health.HealthCheck;
import io.karst.api.node.KubeletHttp;
import io.karst.api.node.PodLogs;
import io.karst.api.node.PodStreams;
import io.karst.api.tunnel.TunnelServer;
import io.karst.apiserver.admission.PluginAdmission;
import io.karst.apiserver.admission.ServiceCidr;
import io.karst.apiserver.bootstraptoken.BootstrapTokenAuthenticator;
import io.karst.apiserver.bootstraptoken.LegacyBootstrapTokens;
import io.karst.apiserver.client.LocalResourceClient;
import io.karst.apiserver.serviceaccount.IssuerDiscovery;
import io.karst.apiserver.serviceaccount.ServiceAccountAuthenticator;
import io.karst.apiserver.serviceaccount.ServiceAccountTokens;
import io.karst.apiserver.storage.encryption.EncryptionConfiguration;
import io.karst.apiserver.storage.encryption.SecretsEncryption;
import io.karst.apiserver.schema.SchemaModel;
import io.karst.apiserver.endpoint.KubeletHttpServices;
import io.karst.apiserver.endpoint.PodLogServices;
import io.karst.apiserver.endpoint.PodStreamServices;
import io.karst.apiserver.resource.ResourceRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.karst.api.security.Authenticator;
import io.karst.api.security.Authorizer;
import io.karst.apiserver.authorization.AccessReviews;
import io.karst.apiserver.audit.AuditHandler;
import io.karst.apiserver.audit.AuditLog;
import io.karst.apiserver.authorization.AuthorizationChain;
import io.karst.apiserver.authorization.ClusterAuthorization;
import io.karst.apiserver.authorization.NodeAuthorizer;
import io.karst.apiserver.authorization.RbacAuthorizer;
import io.karst.api.security.CertificateAuthority;
import io.karst.api.security.TokenService;
import io.karst.apiserver.join.ClusterNetwork;
import io.karst.apiserver.join.NodeJoinEndpoint;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * The API server: listens on the configured HTTPS port once the PKI is available, and announces
 * {@code osgi.condition.id=karst.apiserver.ready} while it serves.
 */
@Component(configurationPid = ApiServerComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = ApiServerConfig.class)
public final class ApiServerComponent {
    static final String PID = "io.karst.apiserver";
    /** Which kind of credentials an authenticator checks (the property the PKI's x509 authenticator carries). */
    static final String AUTHENTICATOR_KIND = "karst.authenticator";
    /** Which built-in authorizer a service is ({@code Node}, {@code RBAC}), as {@code --authorization-mode} names them. */
    static final String AUTHORIZER_KIND = "karst.authorizer";
    /** Condition id other bundles wait on before they use the API. */
    public static final String READY_CONDITION = "karst.apiserver.ready";

    private static final Logger LOG = LoggerFactory.getLogger(ApiServerComponent.class);

    private final AuthenticationChain authentication = new AuthenticationChain();
    private final PluginAdmission admissionPlugins = new PluginAdmission();
    private final AuthorizationChain authorization = new AuthorizationChain();
    private volatile AccessReviews accessReviews;
    private final HealthRegistry health = new HealthRegistry();
    private final PodLogServices podLogs = new PodLogServices();
    private final PodStreamServices podStreams = new PodStreamServices();
    private final KubeletHttpServices kubelets = new KubeletHttpServices();
    private volatile boolean shuttingDown;

    @Reference
    private CertificateAuthority authority;

    /** Checks the join tokens agents present to {@code /v1-karst/node-join}. */
    @Reference
    private TokenService tokens;

    /** Dynamic, so a datastore provider can be replaced while the server keeps its port. */
    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile KeyValueStore datastore;

    private HttpsServer server;
    /** The --audit-log-path file; null when none. */
    private AuditLog auditLog;
    private ThreadPoolExecutor workers;
    private ScheduledExecutorService timers;
    private ServiceRegistration<Condition> ready;
    /** The in-process client of the API, for the bundles of this JVM; registered once the server serves. */
    private LocalResourceClient client;
    private ServiceRegistration<ResourceClient> clientRegistration;
    /** The service-account token authenticator, joined to the chain through the whiteboard like the x509 one. */
    private ServiceRegistration<Authenticator> authenticatorRegistration;
    private ServiceRegistration<Authenticator> bootstrapAuthenticatorRegistration;
    private final List<ServiceRegistration<Authorizer>> authorizerRegistrations = new ArrayList<>();
    private ServiceAccountTokens serviceAccountTokens;
    private KubernetesEndpoints kubernetesEndpoints;

    public ApiServerComponent() {
        health.add(new HealthRegistry.Entry("ping", Set.of("livez", "readyz"), HealthCheck.Result::ok));
        health.add(new HealthRegistry.Entry("shutdown", Set.of("readyz"),
                () -> shuttingDown ? HealthCheck.Result.failed("the server is shutting down") : HealthCheck.Result.ok()));
    }

    @Activate
    void activate(ApiServerConfig config, BundleContext context) throws InterruptedException, SSLException {
        var headers = context.getBundle().getHeaders();
        VersionInfo version = new VersionInfo(headers.get("Karst-Kubernetes-Version"), headers.get("Karst-Version"),
                buildDate(context));
        ResourceApi resources;
        try {
            resources = resourceApi(config);
        } catch (RuntimeException e) {
            // a bad encryption configuration: DS does not deactivate a component whose activation failed
            deactivate();
            throw e;
        }
        try {
            // before the port opens, so no request ever meets an authorizer chain without RBAC in it
            registerAuthorizers(context);
        } catch (RuntimeException | InterruptedException e) {
            deactivate();
            throw e;
        }
        ApiRequestHandler handler = new ApiRequestHandler(authentication, authorization, new HealthEndpoint(health),
                version,
                authority, resources,
                new OpenApiEndpoint(SchemaModel.builtIn(), registry, stack::servedCustomResourceDefinitions),
                new IssuerDiscovery(serviceAccountTokens), externalAddress(config),
                new NodeJoinEndpoint(tokens, stack.bootstrapTokenAuthenticator(), config.agent_token(), authority,
                        client, clusterNetwork(config)), workers,
                new TunnelEndpoint(() -> tunnelServer));
        InetSocketAddress address = new InetSocketAddress(config.bind_address(), config.https_port());
        Supplier<ChannelHandler> audit = null;
        if (!config.audit_log_path().isBlank()) {
            AuditLog log = AuditLog.open(Path.of(config.audit_log_path()));
            auditLog = log;
            audit = () -> new AuditHandler(log, Clock.systemUTC(),
                    channel -> HttpsServerInitializer.connection(channel).remoteAddress());
            LOG.info("Audit log at level Metadata: {}", config.audit_log_path());
        }
        server = new HttpsServer(address, new HttpsServerInitializer(sslContext(authority), handler,
                config.max_request_bytes(), audit));
        LOG.info("Karst API server {} serving on https://{}:{} ({})", version.fields().get("gitVersion"),
                address.getHostString(), server.address().getPort(), server.transport());
        stack.bootstrap(ServiceCidr.firstHost(serviceCidr(config)), server.address().getPort());
        stack.serveCustomResources();
        try {
            LegacyBootstrapTokens.move(tokens, client);
        } catch (RuntimeException e) {
            LOG.warn("Could not move the bootstrap tokens of server/cred/bootstrap-tokens to Secrets; they stay in "
                    + "the file for the next start: {}", e.toString());
        }
        stack.serveResourceMetrics(io.karst.apiserver.metrics.MetricsScraper.DEFAULT_RESOLUTION);
        if (!config.advertise_address().isBlank() && config.endpoint_reconciler_type().equals("lease")) {
            kubernetesEndpoints = new KubernetesEndpoints(() -> datastore, client, config.advertise_address().trim(),
                    server.address().getPort(), timers);
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Condition.CONDITION_ID, READY_CONDITION);
        ready = context.registerService(Condition.class, Condition.INSTANCE, props);
        Dictionary<String, Object> clientProps = new Hashtable<>();
        clientProps.put(ResourceClient.PROVIDER, ResourceClient.LOCAL);
        clientRegistration = context.registerService(ResourceClient.class, client, clientProps);
        Dictionary<String, Object> authenticatorProps = new Hashtable<>();
        authenticatorProps.put(Constants.SERVICE_RANKING, ServiceAccountAuthenticator.RANKING);
        authenticatorProps.put(AUTHENTICATOR_KIND, "serviceaccount");
        authenticatorRegistration = context.registerService(Authenticator.class,
                stack.serviceAccountAuthenticator().orElseThrow(), authenticatorProps);
        Dictionary<String, Object> bootstrapProps = new Hashtable<>();
        bootstrapProps.put(Constants.SERVICE_RANKING, BootstrapTokenAuthenticator.RANKING);
        bootstrapProps.put(AUTHENTICATOR_KIND, "bootstrap-token");
        bootstrapAuthenticatorRegistration = context.registerService(Authenticator.class,
                stack.bootstrapTokenAuthenticator(), bootstrapProps);
        if (secretsEncryption != null) {
            // for karst:secrets-encrypt in this bundle's shell commands; a private class, seen by no other bundle
            encryptionRegistration = context.registerService(SecretsEncryption.class, secretsEncryption, null);
        }
    }

    /**
     * Writes the bootstrap RBAC policy and puts the Node and RBAC authorizers on the whiteboard (Node first, as
     * {@code --authorization-mode=Node,RBAC}); until then only system:masters is allowed anything. The in-process
     * client is not authorized: it is the API server's own loopback, as upstream's privileged loopback client.
     */
    private void registerAuthorizers(BundleContext context) throws InterruptedException {
        ClusterAuthorization built = ClusterAuthorization.start(client, timers, Duration.ofSeconds(30));
        Dictionary<String, Object> nodeProps = new Hashtable<>();
        nodeProps.put(Constants.SERVICE_RANKING, NodeAuthorizer.RANKING);
        nodeProps.put(AUTHORIZER_KIND, "Node");
        authorizerRegistrations.add(context.registerService(Authorizer.class, built.node(), nodeProps));
        Dictionary<String, Object> rbacProps = new Hashtable<>();
        rbacProps.put(Constants.SERVICE_RANKING, RbacAuthorizer.RANKING);
        rbacProps.put(AUTHORIZER_KIND, "RBAC");
        authorizerRegistrations.add(context.registerService(Authorizer.class, built.rbac(), rbacProps));
        accessReviews = built.reviews(authorization);
        built.enforceEscalationChecks(stack.escalationAdmission(), authorization);
    }

    @Deactivate
    void deactivate() {
        shuttingDown = true;
        for (ServiceRegistration<Authorizer> r : authorizerRegistrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        authorizerRegistrations.clear();
        if (kubernetesEndpoints != null) {
            kubernetesEndpoints.close();
        }
        if (encryptionRegistration != null) {
            encryptionRegistration.unregister();
        }
        if (authenticatorRegistration != null) {
            authenticatorRegistration.unregister();
        }
        if (bootstrapAuthenticatorRegistration != null) {
            bootstrapAuthenticatorRegistration.unregister();
        }
        if (clientRegistration != null) {
            clientRegistration.unregister();
        }
        if (client != null) {
            client.close();
        }
        if (ready != null) {
            ready.unregister();
        }
        if (server != null) {
            server.close();
        }
        if (auditLog != null) {
            auditLog.close();
        }
        if (workers != null) {
            workers.shutdownNow();
        }
        if (stack != null) {
            stack.close();
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        LOG.info("Karst API server stopped");
    }

    private ResourceStack stack;
    private SecretsEncryption secretsEncryption;
    private ServiceRegistration<SecretsEncryption> encryptionRegistration;
    private ResourceRegistry registry;

    /** --api-audiences, by default the issuer as kube-apiserver does when only --service-account-issuer is set. */
    static List<String> apiAudiences(ApiServerConfig config) {
        List<String> audiences = config.api_audiences() == null ? List.of()
                : java.util.Arrays.stream(config.api_audiences()).map(String::strip).filter(a -> !a.isEmpty()).toList();
        return audiences.isEmpty() ? List.of(config.service_account_issuer()) : audiences;
    }

    /** Where the issuer discovery's jwks_uri points: the advertised address, else whatever Host clients used. */
    private static String externalAddress(ApiServerConfig config) {
        String advertised = config.advertise_address().trim();
        if (advertised.isEmpty()) {
            return null;
        }
        String host = advertised.contains(":") ? "[" + advertised + "]" : advertised;
        return host + ":" + config.https_port();
    }

    /** What joining agents are told about the cluster's networks. */
    static ClusterNetwork clusterNetwork(ApiServerConfig config) {
        return ClusterNetwork.of(config.cluster_dns(), config.cluster_domain(), config.cluster_cidr(),
                config.service_cidr());
    }

    /** The IPv4 part of a possibly dual-stack --service-cidr. */
    private static String serviceCidr(ApiServerConfig config) {
        for (String part : config.service_cidr().split(",")) {
            if (!part.contains(":")) {
                return part.trim();
            }
        }
        return "10.43.0.0/16";
    }

    private ResourceApi resourceApi(ApiServerConfig config) {
        // Read first, before anything is started, served or written: a bad or missing file stops the server here.
        EncryptionConfiguration encryption = null;
        if (!config.encryption_provider_config().isBlank()) {
            Path file = Path.of(config.encryption_provider_config());
            if (!config.secrets_encryption() || Files.exists(file)) {
                encryption = EncryptionConfiguration.read(file, new SecureRandom());
            }
        }
        int threads = Math.max(8, Math.min(64, config.max_requests_inflight()));
        workers = RequestWorkers.create(threads, Math.max(1, config.max_requests_inflight()),
                new DefaultThreadFactory("karst-apiserver-request", true));
        ScheduledThreadPoolExecutor timerPool = new ScheduledThreadPoolExecutor(1,
                new DefaultThreadFactory("karst-apiserver-timer", true));
        // Every request arms a 60 s timeout and cancels it when answered: without this, cancelled timers stay
        // queued for their full delay (130,000 of them, 9 MB of heap, at 2,000 requests/s).
        timerPool.setRemoveOnCancelPolicy(true);
        timers = timerPool;
        serviceAccountTokens = new ServiceAccountTokens(config.service_account_issuer(), apiAudiences(config),
                authority.serviceAccountKey(), Clock.systemUTC());
        stack = new ResourceStack(() -> datastore, serviceCidr(config), config.service_node_port_range(), timers,
                Clock.systemUTC(), serviceAccountTokens, podLogs, podStreams, kubelets, admissionPlugins);
        registry = stack.registry();
        client = stack.client();
        if (!config.encryption_provider_config().isBlank()) {
            secretsEncryption = new SecretsEncryption(Path.of(config.encryption_provider_config()), stack.store(),
                    () -> datastore, registry, new SecureRandom(), Clock.systemUTC());
            if (encryption == null) {
                secretsEncryption.generateIfMissing();
            }
            encryption = secretsEncryption.load();
            LOG.info("Encryption at rest of {}, writing with {} ({})", encryption.resources().keySet(),
                    encryption.resources().values().iterator().next().writer().prefix(),
                    config.encryption_provider_config());
        }
        return new ResourceApi(registry, stack.endpoint(), stack.codec(), workers, timers, () -> accessReviews,
                stack.tokenReviews());
    }

    /** Serves with the PKI's API certificate; client certificates are asked for but optional (tokens also work). */
    static SslContext sslContext(CertificateAuthority authority) throws SSLException {
        var serving = authority.apiServing();
        return SslContextBuilder.forServer(serving.key(), serving.chain())
                .sslProvider(SslProvider.JDK)
                .clientAuth(ClientAuth.OPTIONAL)
                .trustManager(new DeferredClientTrust())
                .protocols("TLSv1.3", "TLSv1.2")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
    }

    private static String buildDate(BundleContext context) {
        String modified = context.getBundle().getHeaders().get("Karst-Build-Date");
        return modified == null ? "" : modified;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAuthenticator(Authenticator authenticator, Map<String, Object> props) {
        authentication.add(authenticator, ranking(props), (Long) props.get(Constants.SERVICE_ID));
    }

    void removeAuthenticator(Authenticator authenticator) {
        authentication.remove(authenticator);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAuthorizer(Authorizer authorizer, Map<String, Object> props) {
        authorization.add(authorizer, ranking(props), (Long) props.get(Constants.SERVICE_ID));
    }

    void removeAuthorizer(Authorizer authorizer) {
        authorization.remove(authorizer);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addHealthCheck(HealthCheck check, Map<String, Object> props) {
        Object name = props.get(HealthCheck.NAME);
        if (name == null) {
            LOG.warn("ignoring a health check without the {} property", HealthCheck.NAME);
            return;
        }
        health.add(new HealthRegistry.Entry(name.toString(), endpoints(props.get(HealthCheck.ENDPOINTS)), check));
    }

    void removeHealthCheck(HealthCheck check) {
        health.remove(check);
    }

    /**
     * Admission plugins of other bundles (ResourceQuota, vendors' own), added or removed while the server runs; the
     * resource stack asks them last.
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAdmissionPlugin(AdmissionPlugin plugin, Map<String, Object> props) {
        admissionPlugins.add(plugin, ranking(props), (Long) props.get(Constants.SERVICE_ID));
    }

    void removeAdmissionPlugin(AdmissionPlugin plugin) {
        admissionPlugins.remove(plugin);
    }

    /** The agents' tunnels, when the tunnel bundle runs on this server. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile TunnelServer tunnelServer;

    /** The kubelets' container logs, by node, for {@code pods/log}. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPodLogs(PodLogs logs, Map<String, Object> props) {
        podLogs.add(logs, props);
    }

    void removePodLogs(PodLogs logs) {
        podLogs.remove(logs);
    }

    /** The kubelets' streaming endpoints, by node, for {@code pods/exec}, {@code attach} and {@code portforward}. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPodStreams(PodStreams streams, Map<String, Object> props) {
        podStreams.add(streams, props);
    }

    void removePodStreams(PodStreams streams) {
        podStreams.remove(streams);
    }

    /** The kubelets' HTTP APIs, by node, for {@code nodes/proxy}. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addKubeletHttp(KubeletHttp kubelet, Map<String, Object> props) {
        kubelets.add(kubelet, props);
    }

    void removeKubeletHttp(KubeletHttp kubelet) {
        kubelets.remove(kubelet);
    }

    private static Set<String> endpoints(Object value) {
        if (value == null) {
            return Set.of("livez", "readyz");
        }
        if (value instanceof String[] array) {
            return Set.of(array);
        }
        if (value instanceof List<?> list) {
            return Set.copyOf(list.stream().map(Object::toString).toList());
        }
        return Set.of(value.toString());
    }

    private static int ranking(Map<String, Object> props) {
        return props.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }
}
