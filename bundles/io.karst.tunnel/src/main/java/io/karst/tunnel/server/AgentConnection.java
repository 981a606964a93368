package io.karst.tunnel.server;

import java.nio.ByteBuffer;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import io.karst.api.node.KubeletHttp;
import io.karst.api.node.PodLogs;
import io.karst.api.node.PodStreams;
import io.karst.api.tunnel.TunnelLink;
import io.karst.tunnel.mux.Multiplexer;

/**
 * One agent's open tunnel on this server: while it is open, the agent's kubelet is this server's {@link PodLogs},
 * {@link PodStreams} and {@link KubeletHttp} for that node, so the API server reaches it exactly as it reaches a
 * local kubelet.
 */
final class AgentConnection implements TunnelLink.Receiver {
    private final String nodeName;
    private final TunnelLink link;
    private final Multiplexer mux;
    private final ServiceRegistration<PodLogs> logs;
    private final ServiceRegistration<PodStreams> streams;
    private final ServiceRegistration<KubeletHttp> http;
    private final Runnable onClosed;

    AgentConnection(String nodeName, TunnelLink link, BundleContext context, LoopbackRelays relays,
            Runnable onClosed) {
        this.nodeName = nodeName;
        this.link = link;
        this.onClosed = onClosed;
        this.mux = new Multiplexer("tunnel to node " + nodeName, link::send, null);
        Hashtable<String, Object> properties = new Hashtable<>(Map.of(PodLogs.NODE_NAME, nodeName));
        this.logs = context.registerService(PodLogs.class, new TunneledPodLogs(mux), properties);
        this.streams = context.registerService(PodStreams.class, new TunneledPodStreams(mux, relays), properties);
        this.http = context.registerService(KubeletHttp.class, new TunneledKubeletHttp(mux), properties);
    }

    String nodeName() {
        return nodeName;
    }

    @Override
    public void message(ByteBuffer message) {
        mux.receive(message);
    }

    @Override
    public void closed() {
        mux.closeAll("the agent disconnected");
        withdraw();
        onClosed.run();
    }

    /** Closes the link, withdrawing the services at once: a new connection of the node is about to replace them. */
    void close() {
        withdraw();
        link.close();
    }

    private void withdraw() {
        unregister(http);
        unregister(streams);
        unregister(logs);
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework took it already
        }
    }
}
