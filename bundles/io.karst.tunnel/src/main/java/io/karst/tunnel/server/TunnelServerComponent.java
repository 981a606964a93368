package io.karst.tunnel.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.tunnel.TunnelLink;
import io.karst.api.tunnel.TunnelServer;

/**
 * The server's end of the agents' tunnels (PID {@code io.karst.tunnel.server}, configured by the launcher on
 * servers): one {@link AgentConnection} per connected node. A node that connects again replaces its previous
 * connection (an agent that restarted before its old connection timed out).
 */
@Component(configurationPid = TunnelServerComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TunnelServerComponent.Config.class)
public final class TunnelServerComponent implements TunnelServer {
    static final String PID = "io.karst.tunnel.server";

    @ObjectClassDefinition(name = "Karst tunnel (server side)")
    public @interface Config {
        @AttributeDefinition(description = "Seconds a loopback relay to an agent's runtime waits for its one "
                + "connection (the runtime's streaming URLs are single-use and short-lived too)", min = "1")
        int relay_accept_seconds() default 30;
    }
    private static final Logger LOG = LoggerFactory.getLogger(TunnelServerComponent.class);

    private final BundleContext context;
    private final LoopbackRelays relays;
    private final Map<String, AgentConnection> connections = new ConcurrentHashMap<>();

    @Activate
    public TunnelServerComponent(BundleContext context, Config config) {
        this.context = context;
        this.relays = new LoopbackRelays(config.relay_accept_seconds());
    }

    @Override
    public synchronized TunnelLink.Receiver connected(String nodeName, TunnelLink link) {
        LOG.info("Tunnel from node {} ({}) open", nodeName, link.remoteAddress());
        AgentConnection previous = connections.remove(nodeName);
        if (previous != null) {
            // the agent came back before its old connection was seen to close (a restart, a network change)
            previous.close();
        }
        AgentConnection[] self = new AgentConnection[1];
        AgentConnection connection = new AgentConnection(nodeName, link, context, relays, () -> {
            connections.remove(nodeName, self[0]);
            LOG.info("Tunnel from node {} ({}) closed", nodeName, link.remoteAddress());
        });
        self[0] = connection;
        connections.put(nodeName, connection);
        return connection;
    }

    /** The nodes whose tunnels are open, for the shell. */
    public List<String> connectedNodes() {
        return connections.keySet().stream().sorted().toList();
    }

    @Deactivate
    void deactivate() {
        List.copyOf(connections.values()).forEach(AgentConnection::close);
        relays.close();
    }
}
