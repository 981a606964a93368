package io.karst.api.tunnel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The server's end of the agents' tunnels, registered by the tunnel bundle. The API server authenticates the
 * WebSocket request (a node's client certificate), completes the handshake and calls {@link #connected} once per
 * connection; without this service it answers 503.
 */
@ConsumerType
public interface TunnelServer {
    /** The path agents open the WebSocket on, on the API server's port. */
    String PATH = "/v1-karst/connect";

    /**
     * An agent's tunnel is open.
     *
     * @param nodeName the node the client certificate speaks for
     * @param link     sends to the agent
     * @return what receives the agent's messages; its {@link TunnelLink.Receiver#closed} is called exactly once
     */
    TunnelLink.Receiver connected(String nodeName, TunnelLink link);
}
