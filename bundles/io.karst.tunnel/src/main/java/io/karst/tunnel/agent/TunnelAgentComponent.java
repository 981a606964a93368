package io.karst.tunnel.agent;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

import io.karst.api.node.PodLogs;
import io.karst.api.node.PodStreams;

/**
 * The agent's end of the tunnels (PID {@code io.karst.tunnel.agent}, configured by the launcher on agents): one
 * {@link ServerTunnel} per server, serving this node's kubelet ({@link PodLogs}, {@link PodStreams}) to it.
 */
@Component(service = {}, configurationPid = TunnelAgentComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TunnelAgentComponent.Config.class)
public final class TunnelAgentComponent {
    static final String PID = "io.karst.tunnel.agent";

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

    private final ExecutorService requests;
    private final ScheduledExecutorService timer;
    private final List<ServerTunnel> tunnels = new ArrayList<>();

    @Activate
    public TunnelAgentComponent(Config config) throws IOException, GeneralSecurityException {
        AtomicInteger count = new AtomicInteger();
        this.requests = Executors.newCachedThreadPool(r -> daemon(r, "tunnel-request-" + count.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tunnel-timer"));
        HttpClient http = HttpClient.newBuilder()
                .sslContext(TlsFiles.clientContext(Path.of(config.ca_file()), Path.of(config.cert_file()),
                        Path.of(config.key_file())))
                .executor(requests).build();
        AgentRequests handler = new AgentRequests(requests, () -> logs, () -> streams);
        for (String server : config.servers()) {
            ServerTunnel tunnel = new ServerTunnel(server, config.node_name(), http, timer, handler::accept);
            tunnels.add(tunnel);
            tunnel.start();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Deactivate
    void deactivate() {
        tunnels.forEach(ServerTunnel::close);
        timer.shutdownNow();
        requests.shutdownNow();
        try {
            requests.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
