package io.karst.launcher.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --datastore-endpoint} forms K3s (kine) documents: {@code sqlite:///path/state.db},
 * {@code postgres://user:pass@host:5432/db} and {@code mysql://user:pass@tcp(host:3306)/db}. Each is chosen by
 * its scheme; an unknown scheme is an error that lists the supported ones.
 */
final class DatastoreEndpoints {
    static final List<String> SCHEMES = List.of("sqlite://", "postgres://", "postgresql://", "mysql://");

    private static final String POSTGRES_FORM = "expected postgres://user:password@host:5432/database";
    private static final String MYSQL_FORM = "expected mysql://user:password@tcp(host:3306)/database";
    /** Go's MySQL driver DSN: {@code [user[:password]@][net[(address)]]/dbname[?params]}. */
    private static final Pattern MYSQL_DSN = Pattern.compile(
            "(?:(?<user>.*)@)?(?:(?<net>tcp6?|unix)(?:\\((?<address>[^)]*)\\))?)?/(?<db>[^?/]*)(?:\\?.*)?");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

    private DatastoreEndpoints() {
    }

    static Optional<String> problem(String endpoint) {
        int colon = endpoint.indexOf("://");
        String scheme = colon < 0 ? "" : endpoint.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? endpoint : endpoint.substring(colon + 3);
        if (endpoint.chars().anyMatch(Character::isWhitespace)) {
            return Optional.of("expected an endpoint without spaces");
        }
        return switch (scheme) {
            case "sqlite" -> Optional.empty();
            case "postgres", "postgresql" -> postgres(rest);
            case "mysql" -> mysql(rest);
            default -> Optional.of((scheme.isEmpty() ? "missing scheme" : "unsupported scheme \"" + scheme + "\"")
                    + "; supported: " + String.join(", ", SCHEMES) + " (empty for the embedded sqlite)");
        };
    }

    /** The endpoint with its password replaced, for error messages. */
    static String redact(String endpoint) {
        int colon = endpoint.indexOf("://");
        int at = endpoint.lastIndexOf('@');
        if (colon < 0 || at < colon) {
            return endpoint;
        }
        int password = endpoint.indexOf(':', colon + 3);
        return password < 0 || password > at ? endpoint
                : endpoint.substring(0, password + 1) + "***" + endpoint.substring(at);
    }

    private static Optional<String> postgres(String rest) {
        int end = indexOfAny(rest, "/?");
        String authority = rest.substring(0, end);
        String path = rest.substring(end);
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        if (!validHostPort(hostPort, true)) {
            return Optional.of(POSTGRES_FORM);
        }
        String database = path.startsWith("/") ? path.substring(1, indexOfAny(path, "?")) : "";
        return database.contains("/") ? Optional.of(POSTGRES_FORM) : Optional.empty();
    }

    private static Optional<String> mysql(String rest) {
        Matcher dsn = MYSQL_DSN.matcher(rest);
        if (!dsn.matches()) {
            return Optional.of(MYSQL_FORM);
        }
        String address = dsn.group("address");
        if ("unix".equals(dsn.group("net"))) {
            return address == null || address.startsWith("/") ? Optional.empty() : Optional.of(MYSQL_FORM);
        }
        return address == null || validHostPort(address, false) ? Optional.empty() : Optional.of(MYSQL_FORM);
    }

    /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; a host may be omitted for MySQL. */
    private static boolean validHostPort(String hostPort, boolean hostRequired) {
        String host = hostPort;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0 || IpAddresses.family(hostPort.substring(1, close)).isEmpty()) {
                return false;
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    return false;
                }
                port = after.substring(1);
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0) {
                host = hostPort.substring(0, colon);
                port = hostPort.substring(colon + 1);
            }
            if (host.isEmpty() ? hostRequired : !HOST.matcher(host).matches()) {
                return false;
            }
        }
        return port == null || ValueRules.isPort(port, 1);
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }
}
