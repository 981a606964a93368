package io.karst.etcdserver.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * Where the endpoint listens, in the forms kine's listen address and etcd's client URLs take: a Unix socket
 * {@code unix:///absolute/path}, or a TCP {@code host:port} / {@code http://host:port}. The endpoint is plaintext
 * and unauthenticated, so a TCP host must be a loopback address; a socket is guarded by its file mode.
 */
final class ListenAddress {
    private static final String UNIX = "unix://";
    private static final String HTTP = "http://";

    private ListenAddress() {
    }

    /**
     * The socket address {@code text} names.
     *
     * @throws IllegalArgumentException naming the expected forms, when {@code text} is none of them, or a TCP
     *         address that is not loopback
     */
    static SocketAddress parse(String text) {
        String address = text.strip();
        if (address.startsWith(UNIX)) {
            String path = address.substring(UNIX.length());
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("etcd endpoint " + text
                        + ": expected an absolute socket path, unix:///path/etcd.sock");
            }
            return UnixDomainSocketAddress.of(Path.of(path));
        }
        if (address.startsWith(HTTP)) {
            address = address.substring(HTTP.length());
            if (address.endsWith("/")) {
                address = address.substring(0, address.length() - 1);
            }
        } else if (address.contains("://")) {
            throw new IllegalArgumentException("etcd endpoint " + text
                    + ": expected unix:///path/etcd.sock, http://127.0.0.1:2379 or 127.0.0.1:2379 (no TLS)");
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || !address.substring(colon + 1).matches("\\d{1,5}")) {
            throw new IllegalArgumentException("etcd endpoint " + text + ": expected host:port like 127.0.0.1:2379");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(address.substring(colon + 1));
        if (port > 65535) {
            throw new IllegalArgumentException("etcd endpoint " + text + ": port out of range");
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("etcd endpoint " + text + ": unknown host " + host, e);
        }
        if (!ip.isLoopbackAddress()) {
            throw new IllegalArgumentException("etcd endpoint " + text + ": refusing a non-loopback address, "
                    + "the endpoint is plaintext and unauthenticated; use 127.0.0.1, [::1] or a unix:// socket");
        }
        return new InetSocketAddress(ip, port);
    }

    /** The address as etcdctl's {@code --endpoints} takes it. */
    static String forClients(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress socket) {
            return UNIX + socket.getPath();
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        String host = inet.getAddress().getHostAddress();
        return HTTP + (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
}
