package io.karst.datastore;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code --datastore-endpoint} in K3s's forms: {@code postgres://user:password@host:5432/database} and
 * {@code mysql://user:password@tcp(host:3306)/database}, each with optional {@code ?name=value} parameters passed
 * to the driver. User and password may be percent-encoded. The database defaults to {@code kubernetes}, as in
 * K3s. {@link #toString()} and every error leave the password out.
 */
public record EndpointUri(String scheme, String user, String password, String host, int port, String database,
        Map<String, String> parameters) {

    public static final String DEFAULT_DATABASE = "kubernetes";
    public static final String POSTGRES_FORM = "postgres://user:password@host:5432/database";
    public static final String MYSQL_FORM = "mysql://user:password@tcp(host:3306)/database";

    /** Parses a PostgreSQL endpoint ({@code postgres://} or {@code postgresql://}). */
    public static EndpointUri postgres(String uri) {
        return parse(uri, POSTGRES_FORM, 5432, false, "postgres", "postgresql");
    }

    /** Parses a MySQL or MariaDB endpoint; {@code tcp(host:port)} as K3s writes it, or a bare {@code host:port}. */
    public static EndpointUri mysql(String uri) {
        return parse(uri, MYSQL_FORM, 3306, true, "mysql");
    }

    private static EndpointUri parse(String uri, String form, int defaultPort, boolean tcpForm, String... schemes) {
        if (uri == null || uri.isBlank()) {
            throw invalid("no datastore endpoint given", form);
        }
        String text = uri.strip();
        int schemeEnd = text.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : text.substring(0, schemeEnd);
        if (!java.util.Arrays.asList(schemes).contains(scheme)) {
            throw invalid("datastore endpoint " + redact(text) + " does not start with " + schemes[0] + "://", form);
        }
        String rest = text.substring(schemeEnd + 3);
        String user = "";
        String password = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), form, text);
            password = colon < 0 ? "" : decode(userInfo.substring(colon + 1), form, text);
            rest = rest.substring(at + 1);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        int query = rest.indexOf('?');
        if (query >= 0) {
            for (String pair : rest.substring(query + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw invalid("parameter '" + pair + "' of " + redact(text) + " is not name=value", form);
                }
                parameters.put(decode(pair.substring(0, eq), form, text), decode(pair.substring(eq + 1), form, text));
            }
            rest = rest.substring(0, query);
        }
        int slash = rest.indexOf('/');
        String address = slash < 0 ? rest : rest.substring(0, slash);
        String database = slash < 0 ? "" : decode(rest.substring(slash + 1), form, text);
        if (tcpForm && address.startsWith("tcp(")) {
            if (!address.endsWith(")")) {
                throw invalid("datastore endpoint " + redact(text) + " has an unclosed tcp(", form);
            }
            address = address.substring(4, address.length() - 1);
        } else if (address.contains("(")) {
            throw invalid("datastore endpoint " + redact(text) + " has an unsupported address " + address, form);
        }
        String host = address;
        int port = defaultPort;
        int colon = address.lastIndexOf(':');
        if (colon >= 0 && !address.endsWith("]")) {
            host = address.substring(0, colon);
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw invalid("datastore endpoint " + redact(text) + " has an invalid port '"
                        + address.substring(colon + 1) + "'", form);
            }
        }
        if (host.isEmpty()) {
            throw invalid("datastore endpoint " + redact(text) + " names no host", form);
        }
        if (database.contains("/")) {
            throw invalid("datastore endpoint " + redact(text) + " has an invalid database name", form);
        }
        return new EndpointUri(scheme, user, password, host, port, database.isEmpty() ? DEFAULT_DATABASE : database,
                Map.copyOf(parameters));
    }

    /** The same server and credentials with another database. */
    public EndpointUri withDatabase(String name) {
        return new EndpointUri(scheme, user, password, host, port, name, parameters);
    }

    /** The endpoint as a user wrote it, with the password replaced: safe for logs and errors. */
    @Override
    public String toString() {
        String credentials = user.isEmpty() ? "" : user + (password.isEmpty() ? "" : ":***") + "@";
        String address = scheme.equals("mysql") ? "tcp(" + host + ":" + port + ")" : host + ":" + port;
        return scheme + "://" + credentials + address + "/" + database;
    }

    /** Hides whatever sits between the first ':' of the user info and its '@'. */
    static String redact(String uri) {
        int start = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        if (start < 0 || at < start) {
            return uri;
        }
        int colon = uri.indexOf(':', start + 3);
        if (colon < 0 || colon > at) {
            return uri;
        }
        return uri.substring(0, colon + 1) + "***" + uri.substring(at);
    }

    private static String decode(String text, String form, String uri) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0
                        || Character.digit(text.charAt(i + 2), 16) < 0) {
                    throw invalid("datastore endpoint " + redact(uri) + " has a bad percent-escape", form);
                }
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException invalid(String reason, String form) {
        return new IllegalArgumentException(reason + "; expected " + form);
    }
}
