package io.karst.tunnel.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceClient;

import io.karst.api.node.KubeletHttp;
import io.karst.api.node.PodLogs;
import io.karst.api.node.PodStreams;
import io.karst.tls.pem.PemClientTls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The agent's end of the tunnels (PID {@code io.karst.tunnel.agent}, configured by the launcher on agents): one
 * {@link ServerTunnel} per server ({@link TunnelTargets}: those of the {@code kubernetes} Endpoints once known,
 * read every {@value #LEARN_SECONDS} s), serving this node's kubelet ({@link PodLogs}, {@link PodStreams},
 * {@link KubeletHttp}) to it.
 */
@Component(service = {}, configurationPid = TunnelAgentComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TunnelAgentComponent.Config.class)
public final class TunnelAgentComponent {
    static final String PID = "io.karst.tunnel.agent";
    /** How often the servers are read from the kubernetes Endpoints, as the agent's load balancer does. */
    static final long LEARN_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(TunnelAgentComponent.class);

    @ObjectClassDefinition(name = "Karst tunnel (agent side)")
    public @interface Config {
        @AttributeDefinition(description = "The servers' URLs, https://host:port")
        String[] servers();

        @AttributeDefinition(description = "This node's name")
        String node_name();

        @AttributeDefinition(description = "PEM CA bundle the servers' certificates are checked against")
        String ca_file();

        @AttributeDefinition(description = "PEM client certificate of the node (system:node:<name>)")
        String cert_file();

        @AttributeDefinition(description = "PEM PKCS#8 private key of that certificate")
        String key_file();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile PodLogs logs;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile PodStreams streams;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile KubeletHttp kubeletHttp;

    /** The agent's API client, to learn the servers from the kubernetes Endpoints. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            target = "(" + ResourceClient.PROVIDER + "=" + ResourceClient.REMOTE + ")")
    private volatile ResourceClient client;

    private final ExecutorService requests;
    private final ScheduledExecutorService timer;
    private final List<String> configured;
    private final String nodeName;
    private final SSLContext tls;
    /** Every tunnel's connection: one thread is plenty for a few WebSockets that mostly idle. */
    private final EventLoopGroup loop;
    private final AgentRequests handler;
    /** By server URL; touched on the timer thread and at deactivation only. */
    private final Map<String, ServerTunnel> tunnels = new LinkedHashMap<>();

    @Activate
    public TunnelAgentComponent(Config config) throws IOException, GeneralSecurityException {
        AtomicInteger count = new AtomicInteger();
        this.requests = Executors.newCachedThreadPool(r -> daemon(r, "tunnel-request-" + count.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tunnel-timer"));
        this.tls = PemClientTls.context(Path.of(config.ca_file()), Path.of(config.cert_file()),
                Path.of(config.key_file()));
        this.loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tunnel-loop", true),
                NioIoHandler.newFactory());
        this.handler = new AgentRequests(requests, () -> logs, () -> streams, () -> kubeletHttp);
        this.configured = List.of(config.servers());
        this.nodeName = config.node_name();
        timer.execute(() -> tunnelTo(TunnelTargets.of(configured, null)));
        timer.scheduleWithFixedDelay(this::learnServers, LEARN_SECONDS, LEARN_SECONDS, TimeUnit.SECONDS);
    }

    private void learnServers() {
        ResourceClient api = client;
        if (api == null) {
            return;
        }
        try {
            ObjectNode endpoints = api.resource("", "v1", "endpoints").inNamespace("default").get("kubernetes");
            tunnelTo(TunnelTargets.of(configured, endpoints));
        } catch (RuntimeException e) {
            LOG.debug("the servers could not be learned from the kubernetes Endpoints: {}", e.getMessage());
        }
    }

    /** Opens tunnels to new targets and closes those to servers that are gone. */
    private void tunnelTo(Set<String> targets) {
        for (Iterator<Map.Entry<String, ServerTunnel>> it = tunnels.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, ServerTunnel> open = it.next();
            if (!targets.contains(open.getKey())) {
                LOG.info("Closing the tunnel to {}: no longer a server of the cluster", open.getKey());
                open.getValue().close();
                it.remove();
            }
        }
        for (String server : targets) {
            if (!tunnels.containsKey(server)) {
                ServerTunnel tunnel = new ServerTunnel(server, nodeName, tls, loop, timer, handler::accept);
                tunnels.put(server, tunnel);
                tunnel.start();
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tunnels.values().forEach(ServerTunnel::close);
        // runs the close frames already queued, then closes what is left and ends the thread
        loop.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        requests.shutdownNow();
        try {
            requests.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
