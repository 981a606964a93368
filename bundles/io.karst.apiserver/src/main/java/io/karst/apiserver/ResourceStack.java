package io.karst.apiserver;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import io.karst.api.datastore.KeyValueStore;
import io.karst.api.security.Authenticator;
import io.karst.apiserver.admission.AdmissionChain;
import io.karst.apiserver.authorization.EscalationAdmission;
import io.karst.apiserver.admission.BuiltinAdmission;
import io.karst.apiserver.admission.PluginAdmission;
import io.karst.apiserver.admission.ServiceAddresses;
import io.karst.apiserver.cache.CachedReads;
import io.karst.apiserver.cache.CacheSettings;
import io.karst.apiserver.cache.WatchCaches;
import io.karst.apiserver.client.ClientSettings;
import io.karst.apiserver.client.LocalResourceClient;
import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.crd.CustomResourceDefinitionController;
import io.karst.apiserver.endpoint.ObjectAdmission;
import io.karst.apiserver.endpoint.ObjectWriter;
import io.karst.apiserver.endpoint.KubeletHttpServices;
import io.karst.apiserver.endpoint.NodeProxySubresource;
import io.karst.apiserver.endpoint.PodLogServices;
import io.karst.apiserver.endpoint.PodLogSubresource;
import io.karst.apiserver.endpoint.PodStreamServices;
import io.karst.apiserver.endpoint.PodStreamSubresource;
import io.karst.apiserver.endpoint.ResourceEndpoint;
import io.karst.apiserver.endpoint.SubresourceHandler;
import io.karst.apiserver.metrics.MetricsResources;
import io.karst.apiserver.metrics.MetricsScraper;
import io.karst.apiserver.metrics.NodeMetricsEndpoint;
import io.karst.apiserver.metrics.PodMetricsEndpoint;
import io.karst.apiserver.metrics.ScrapedMetrics;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.serviceaccount.ServiceAccountAuthenticator;
import io.karst.apiserver.serviceaccount.ServiceAccountTokens;
import io.karst.apiserver.bootstraptoken.BootstrapTokenAuthenticator;
import io.karst.apiserver.serviceaccount.TokenRequests;
import io.karst.apiserver.serviceaccount.TokenReviews;
import io.karst.apiserver.storage.ObjectStore;

/**
 * The resource API over one datastore, wired as the server runs it: registry, admission, writer, watch caches,
 * endpoint, the in-process client and the bootstrap objects. The component adds HTTPS in front; tests of other
 * bundles (controllers) use it as it is, over a real store, so they exercise the same code path.
 */
public final class ResourceStack implements AutoCloseable {
    private final ObjectCodec codec = new ObjectCodec();
    /** The built-in resources and the resource metrics API, the base CRDs are added to. */
    private static final List<ResourceType> SERVED = servedResources();
    private final ResourceRegistry registry = new ResourceRegistry(SERVED);
    private final ObjectStore store;
    private final WatchCaches caches;
    private final ResourceEndpoint endpoint;
    private final LocalResourceClient client;
    private final ClusterBootstrap bootstrap;
    private final CustomResourceDefinitionController customResources;
    private final Optional<Authenticator> serviceAccountAuthenticator;
    private final Optional<TokenReviews> tokenReviews;
    private final BootstrapTokenAuthenticator bootstrapTokenAuthenticator;
    /** RBAC escalation checks in the write path, enforced once authorization has started. */
    private final EscalationAdmission escalation = new EscalationAdmission();
    private final PluginAdmission plugins;
    private final MetricsScraper metricsScraper;

    /**
     * @param serviceCidr the IPv4 service range ClusterIPs come from
     * @param nodePortRange e.g. {@code 30000-32767}
     */
    public ResourceStack(Supplier<KeyValueStore> datastore, String serviceCidr, String nodePortRange,
            ScheduledExecutorService timers, Clock clock) {
        this(datastore, serviceCidr, nodePortRange, timers, clock, null);
    }

    /**
     * With service-account tokens: the {@code serviceaccounts/token} subresource issues them and
     * {@link #serviceAccountAuthenticator()} accepts them.
     *
     * @param tokens the issuer and its key; null for a stack without them (the subresource then answers 404)
     */
    public ResourceStack(Supplier<KeyValueStore> datastore, String serviceCidr, String nodePortRange,
            ScheduledExecutorService timers, Clock clock, ServiceAccountTokens tokens) {
        this(datastore, serviceCidr, nodePortRange, timers, clock, tokens, new PodLogServices());
    }

    /**
     * With service-account tokens and the nodes' kubelets.
     *
     * @param tokens the issuer and its key; null for a stack without them (the subresource then answers 404)
     * @param podLogs the nodes' container logs, for {@code pods/log}
     */
    public ResourceStack(Supplier<KeyValueStore> datastore, String serviceCidr, String nodePortRange,
            ScheduledExecutorService timers, Clock clock, ServiceAccountTokens tokens, PodLogServices podLogs) {
        this(datastore, serviceCidr, nodePortRange, timers, clock, tokens, podLogs, new PodStreamServices());
    }

    /**
     * With service-account tokens and the nodes' kubelets.
     *
     * @param tokens the issuer and its key; null for a stack without them (the subresource then answers 404)
     * @param podLogs the nodes' container logs, for {@code pods/log}
     * @param podStreams the nodes' streaming endpoints, for {@code pods/exec}, {@code attach} and {@code portforward}
     */
    public ResourceStack(Supplier<KeyValueStore> datastore, String serviceCidr, String nodePortRange,
            ScheduledExecutorService timers, Clock clock, ServiceAccountTokens tokens, PodLogServices podLogs,
            PodStreamServices podStreams) {
        this(datastore, serviceCidr, nodePortRange, timers, clock, tokens, podLogs, podStreams,
                new KubeletHttpServices());
    }

    /**
     * With service-account tokens and the nodes' kubelets.
     *
     * @param tokens the issuer and its key; null for a stack without them (the subresource then answers 404)
     * @param podLogs the nodes' container logs, for {@code pods/log}
     * @param podStreams the nodes' streaming endpoints, for {@code pods/exec}, {@code attach} and {@code portforward}
     * @param kubelets the kubelets' HTTP APIs, for {@code nodes/proxy}
     */
    public ResourceStack(Supplier<KeyValueStore> datastore, String serviceCidr, String nodePortRange,
            ScheduledExecutorService timers, Clock clock, ServiceAccountTokens tokens, PodLogServices podLogs,
            PodStreamServices podStreams, KubeletHttpServices kubelets) {
        this(datastore, serviceCidr, nodePortRange, timers, clock, tokens, podLogs, podStreams, kubelets,
                new PluginAdmission());
    }

    /** @param plugins the admission plugins of other bundles, asked last; they may change while the stack serves */
    public ResourceStack(Supplier<KeyValueStore> datastore, String serviceCidr, String nodePortRange,
            ScheduledExecutorService timers, Clock clock, ServiceAccountTokens tokens, PodLogServices podLogs,
            PodStreamServices podStreams, KubeletHttpServices kubelets, PluginAdmission plugins) {
        this.plugins = plugins;
        store = new ObjectStore(datastore, codec);
        // first, as upstream checks escalation in the RBAC storage before validating the object
        caches = new WatchCaches(store, datastore, CacheSettings.defaults(), timers);
        CachedReads reads = new CachedReads(store, caches);
        ObjectAdmission admission = new AdmissionChain(List.of(escalation, new BuiltinAdmission(reads, registry),
                new ServiceAddresses(store, registry.find("", "v1", "services").orElseThrow(), datastore,
                        serviceCidr, nodePortRange), plugins));
        ObjectWriter writer = new ObjectWriter(store, registry, admission, clock, reads);
        Map<String, SubresourceHandler> handlers = new HashMap<>();
        if (tokens != null) {
            handlers.put(TokenRequests.key(), new TokenRequests(store, registry, codec, tokens));
        }
        handlers.put(PodLogSubresource.key(), new PodLogSubresource(store, podLogs, clock));
        for (String subresource : PodStreamSubresource.SUBRESOURCES) {
            handlers.put(PodStreamSubresource.key(subresource), new PodStreamSubresource(store, podStreams,
                    subresource));
        }
        handlers.put(NodeProxySubresource.key(), new NodeProxySubresource(store, kubelets));
        ResourceType nodes = registry.find("", "v1", "nodes").orElseThrow();
        ScrapedMetrics metrics = new ScrapedMetrics();
        metricsScraper = new MetricsScraper(store, nodes, kubelets, metrics);
        handlers.put(SubresourceHandler.key("nodes", MetricsResources.GROUP, ""),
                new NodeMetricsEndpoint(store, nodes, metrics, clock));
        handlers.put(SubresourceHandler.key("pods", MetricsResources.GROUP, ""),
                new PodMetricsEndpoint(store, registry.find("", "v1", "pods").orElseThrow(), metrics, clock));
        endpoint = new ResourceEndpoint(store, writer, timers, caches, handlers);
        ServiceAccountAuthenticator saAuthenticator = tokens == null ? null
                : new ServiceAccountAuthenticator(tokens, store, registry);
        serviceAccountAuthenticator = Optional.ofNullable(saAuthenticator);
        bootstrapTokenAuthenticator = new BootstrapTokenAuthenticator(store, registry, clock);
        tokenReviews = tokens == null ? Optional.empty()
                : Optional.of(new TokenReviews(saAuthenticator, bootstrapTokenAuthenticator, tokens.apiAudiences()));
        bootstrap = new ClusterBootstrap(store, registry, clock);
        customResources = new CustomResourceDefinitionController(store, registry, SERVED, timers,
                clock);
        client = new LocalResourceClient(registry, endpoint, ClientSettings.DEFAULTS);
    }

    /** The objects on the datastore, for what works below the endpoint (encryption at rest). */
    public ObjectStore store() {
        return store;
    }

    /** Creates the system namespaces and the {@code kubernetes} Service when they are missing. */
    public void bootstrap(String serviceIp, int httpsPort) {
        bootstrap.ensure(serviceIp, httpsPort);
    }

    /**
     * Serves the resources of the stored CustomResourceDefinitions and follows their changes (the datastore must be
     * up).
     */
    public void serveCustomResources() {
        customResources.start();
    }

    /**
     * Scrapes the kubelets' summaries for {@code metrics.k8s.io} every {@code resolution} from now on
     * ({@link MetricsScraper#DEFAULT_RESOLUTION} in a server).
     */
    public void serveResourceMetrics(java.time.Duration resolution) {
        metricsScraper.start(resolution);
    }

    /** The scraper, for tests that scrape at their own pace. */
    public MetricsScraper metricsScraper() {
        return metricsScraper;
    }

    private static List<ResourceType> servedResources() {
        List<ResourceType> all = new java.util.ArrayList<>(BuiltinResources.all());
        all.addAll(MetricsResources.all());
        return List.copyOf(all);
    }

    /** The authenticator of the tokens this stack issues; empty without service-account tokens. */
    public Optional<Authenticator> serviceAccountAuthenticator() {
        return serviceAccountAuthenticator;
    }

    /** The authenticator of bootstrap tokens (Secrets in kube-system). */
    public BootstrapTokenAuthenticator bootstrapTokenAuthenticator() {
        return bootstrapTokenAuthenticator;
    }

    /** TokenReviews of service-account tokens; empty for a stack without them. */
    public Optional<TokenReviews> tokenReviews() {
        return tokenReviews;
    }

    /** The admission plugins of other bundles, asked last. */
    public PluginAdmission admissionPlugins() {
        return plugins;
    }

    public EscalationAdmission escalationAdmission() {
        return escalation;
    }

    public ObjectCodec codec() {
        return codec;
    }

    /** The established CustomResourceDefinitions served now, for their OpenAPI documents. */
    public List<ObjectNode> servedCustomResourceDefinitions() {
        return customResources.established();
    }

    public ResourceRegistry registry() {
        return registry;
    }

    public ResourceEndpoint endpoint() {
        return endpoint;
    }

    public LocalResourceClient client() {
        return client;
    }

    /** Ends every watch and informer of the client, then the watch caches. */
    @Override
    public void close() {
        metricsScraper.close();
        customResources.close();
        client.close();
        caches.close();
    }
}
