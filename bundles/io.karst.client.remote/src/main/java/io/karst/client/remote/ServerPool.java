package io.karst.client.remote;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The API servers the client may talk to, in order (K3s's agent load balancer): the configured ones first, then
 * those learned from the {@code kubernetes} Endpoints. Requests go to {@link #current()}; a server that cannot be
 * reached is left for the next one with {@link #failover}. Learned servers come and go with the Endpoints;
 * configured ones are never dropped.
 */
final class ServerPool {
    private final List<URI> configured;
    private List<URI> servers;
    private URI current;

    ServerPool(Collection<URI> configured) {
        if (configured.isEmpty()) {
            throw new IllegalArgumentException("no API server configured");
        }
        this.configured = List.copyOf(new LinkedHashSet<>(configured.stream().map(ServerPool::normalize).toList()));
        this.servers = this.configured;
        this.current = this.configured.get(0);
    }

    /** {@code https://host:port} without a trailing slash or path. */
    static URI normalize(URI server) {
        Objects.requireNonNull(server, "server");
        if (!"https".equalsIgnoreCase(server.getScheme()) || server.getHost() == null) {
            throw new IllegalArgumentException("an API server URL is https://host:port, not " + server);
        }
        int port = server.getPort() < 0 ? 443 : server.getPort();
        return URI.create("https://" + (server.getHost().contains(":") && !server.getHost().startsWith("[")
                ? "[" + server.getHost() + "]" : server.getHost()) + ":" + port);
    }

    /** The server requests go to now. */
    synchronized URI current() {
        return current;
    }

    /** Every server, in order. */
    synchronized List<URI> servers() {
        return servers;
    }

    /**
     * {@code failed} could not be reached: if it is still the current server, the next one in order (wrapping
     * around) becomes current. Returns the server to use now.
     */
    synchronized URI failover(URI failed) {
        if (current.equals(failed) && servers.size() > 1) {
            int at = servers.indexOf(current);
            current = servers.get((at + 1) % servers.size());
        }
        return current;
    }

    /**
     * The servers the cluster reports now: learned servers missing from {@code discovered} are dropped, new ones
     * are added after the configured ones. The current server stays current while it is in the pool.
     *
     * @return whether the pool changed
     */
    synchronized boolean update(Collection<URI> discovered) {
        Set<URI> next = new LinkedHashSet<>(configured);
        for (URI uri : discovered) {
            next.add(normalize(uri));
        }
        List<URI> updated = List.copyOf(new ArrayList<>(next));
        if (updated.equals(servers)) {
            return false;
        }
        servers = updated;
        if (!servers.contains(current)) {
            current = servers.get(0);
        }
        return true;
    }

    @Override
    public synchronized String toString() {
        return "servers " + servers + ", current " + current;
    }
}
