/**
 * The tunnel between agents and servers: each agent keeps a WebSocket over mutual TLS open to each server, so that
 * a server reaches the agent's kubelet (logs, exec, attach, port forwarding) without the agent listening on any
 * port. The API server accepts the WebSocket on {@value io.karst.api.tunnel.TunnelServer#PATH} from a client
 * certificate of a node ({@code system:node:<name>} in {@code system:nodes}) and hands it to the
 * {@link io.karst.api.tunnel.TunnelServer} service; what travels over the link is that service's business.
 */
@Export
@Version("1.0.0")
package io.karst.api.tunnel;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
