package io.karst.launcher.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --etcd-endpoint}: where the etcd v3 API over the datastore listens, in the forms kine's listen address
 * and etcdctl's {@code --endpoints} take. {@code unix://etcd.sock} is a socket relative to
 * {@code <data-dir>/server/db} (as K3s's {@code unix://kine.sock} is relative to its server dir),
 * {@code unix:///path} an absolute one, {@code http://host:port} or {@code host:port} a TCP port. The endpoint is
 * plaintext and unauthenticated, so a TCP host must be loopback; names are never resolved, only
 * {@code localhost} is taken as one.
 */
public final class EtcdEndpoints {
    /** The recommended form, a socket file in the data dir, guarded by its mode 0600. */
    public static final String DEFAULT_SOCKET = "unix://etcd.sock";

    private static final String UNIX = "unix://";
    private static final String HTTP = "http://";
    private static final String FORMS = "expected unix://etcd.sock (in <data-dir>/server/db), unix:///path/etcd.sock,"
            + " http://127.0.0.1:2379 or 127.0.0.1:2379";
    /** sun_path holds 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;

    private EtcdEndpoints() {
    }

    static ValueRule rule() {
        return new ValueRule() {
            @Override
            public Optional<String> problem(String value) {
                return EtcdEndpoints.problem(value);
            }

            @Override
            public String normalize(String value) {
                return value.startsWith(UNIX) || value.startsWith(HTTP) ? value : HTTP + value;
            }
        };
    }

    static Optional<String> problem(String endpoint) {
        if (endpoint.isEmpty() || endpoint.chars().anyMatch(Character::isWhitespace)) {
            return Optional.of(FORMS);
        }
        if (endpoint.startsWith(UNIX)) {
            String path = endpoint.substring(UNIX.length());
            if (path.isEmpty() || path.equals("/") || path.endsWith("/")) {
                return Optional.of(FORMS);
            }
            return path.startsWith("/") ? socketPathProblem(path) : Optional.empty();
        }
        String hostPort = endpoint;
        if (endpoint.startsWith(HTTP)) {
            hostPort = endpoint.substring(HTTP.length());
        } else if (endpoint.contains("://")) {
            String scheme = endpoint.substring(0, endpoint.indexOf("://"));
            return Optional.of(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("unixs")
                    ? "the etcd endpoint has no TLS; " + FORMS
                    : "unsupported scheme \"" + scheme + "\"; " + FORMS);
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || !ValueRules.isPort(hostPort.substring(colon + 1), 1)) {
            return Optional.of(FORMS);
        }
        String host = hostPort.substring(0, colon);
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        }
        if (!isLoopback(host, bracketed)) {
            return Optional.of("refusing " + host + ": the etcd endpoint is plaintext and unauthenticated, so it"
                    + " listens only on loopback (127.0.0.1, [::1], localhost) or a unix:// socket");
        }
        return Optional.empty();
    }

    /**
     * The endpoint as the {@code io.karst.etcdserver} component's {@code listen} property takes it: a relative
     * socket resolved against {@code <data-dir>/server/db}, TCP as {@code host:port}.
     *
     * @param endpoint a value this flag accepted
     * @throws ConfigException when the socket path is longer than a Unix socket address holds
     */
    public static String listenAddress(String endpoint, Path dataDir) throws ConfigException {
        if (endpoint.startsWith(UNIX)) {
            String path = endpoint.substring(UNIX.length());
            if (!path.startsWith("/")) {
                path = dataDir.toAbsolutePath().resolve("server/db").resolve(path).normalize().toString();
            }
            Optional<String> tooLong = socketPathProblem(path);
            if (tooLong.isPresent()) {
                throw new ConfigException("invalid etcd-endpoint \"" + endpoint + "\": " + tooLong.get()
                        + "; give an absolute unix:///path instead");
            }
            return UNIX + path;
        }
        return endpoint.startsWith(HTTP) ? endpoint.substring(HTTP.length()) : endpoint;
    }

    private static Optional<String> socketPathProblem(String path) {
        int bytes = path.getBytes(StandardCharsets.UTF_8).length;
        return bytes > MAX_SOCKET_PATH_BYTES
                ? Optional.of("socket path " + path + " is " + bytes + " bytes, a Unix socket holds at most "
                        + MAX_SOCKET_PATH_BYTES)
                : Optional.empty();
    }

    private static boolean isLoopback(String host, boolean bracketed) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        Optional<IpAddresses.Family> family = IpAddresses.family(host);
        if (family.isEmpty() || (family.get() == IpAddresses.Family.IPV6) != bracketed) {
            return false;
        }
        return family.get() == IpAddresses.Family.IPV4 ? host.startsWith("127.") : isIpv6Loopback(host);
    }

    private static boolean isIpv6Loopback(String host) {
        try {
            // an IPv6 literal: the JDK parses it without a lookup (see IpAddresses)
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
