package io.karst.datastore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL and MariaDB servers the external-datastore tests run against. An endpoint given as system
 * property ({@code karst.test.postgres.endpoint}, {@code karst.test.mysql.endpoint}) or environment variable
 * ({@code KARST_TEST_POSTGRES_ENDPOINT}, {@code KARST_TEST_MYSQL_ENDPOINT}) is used as it is; otherwise the
 * servers are started through {@code scripts/test-databases}, which is idempotent. A failure says what to run.
 * The script also starts them with TLS and makes the certificates for it (see the script).
 */
public final class TestDatabases {
    /** The user the script's {@code client.crt} names, who logs in with the certificate and no password. */
    public static final String CERTIFICATE_USER = "karst_cert";
    private static final String SCRIPT = "scripts/test-databases";

    private TestDatabases() {
    }

    public static String postgresEndpoint() {
        return endpoint("karst.test.postgres.endpoint", "KARST_TEST_POSTGRES_ENDPOINT", "postgres");
    }

    public static String mysqlEndpoint() {
        return endpoint("karst.test.mysql.endpoint", "KARST_TEST_MYSQL_ENDPOINT", "mariadb");
    }

    /**
     * The directory of the TLS test certificates, {@code ca.crt}, {@code client.crt}, {@code client.key} and
     * {@code other-ca.crt} (see scripts/test-databases): {@code karst.test.tls.dir} or {@code KARST_TEST_TLS_DIR} if
     * set, else the script's; empty when the server was given by endpoint and no directory was.
     *
     * @param server {@code postgres} or {@code mariadb}
     */
    public static Optional<Path> tlsDirectory(String server) {
        String given = System.getProperty("karst.test.tls.dir", System.getenv("KARST_TEST_TLS_DIR"));
        if (given != null && !given.isBlank()) {
            return Optional.of(Path.of(given));
        }
        boolean external = server.equals("postgres") ? isGiven("karst.test.postgres.endpoint",
                "KARST_TEST_POSTGRES_ENDPOINT") : isGiven("karst.test.mysql.endpoint", "KARST_TEST_MYSQL_ENDPOINT");
        return external ? Optional.empty() : Optional.of(Path.of(exported("KARST_TEST_TLS_DIR", server)));
    }

    /** Starts one server ({@code postgres} or {@code mariadb}) through the script, e.g. after {@link #stop}. */
    public static String start(String server) {
        return run("start", server);
    }

    /** Stops one server, to show what a store does while its database is down. */
    public static void stop(String server) {
        run("stop", server);
    }

    private static boolean isGiven(String property, String variable) {
        String given = System.getProperty(property, System.getenv(variable));
        return given != null && !given.isBlank();
    }

    private static String endpoint(String property, String variable, String server) {
        if (isGiven(property, variable)) {
            return System.getProperty(property, System.getenv(variable));
        }
        return exported(variable, server);
    }

    /** A setting the script exports when it starts the server. */
    private static String exported(String variable, String server) {
        String exports = start(server);
        String prefix = "export " + variable + "='";
        for (String line : exports.split("\n")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length(), line.length() - 1);
            }
        }
        throw new AssertionError(SCRIPT + " printed no " + variable + "; run `" + SCRIPT + "` and check its output");
    }

    private static String run(String mode, String server) {
        Path script = script();
        try {
            Path log = Files.createTempFile("test-databases", ".log");
            Process process = new ProcessBuilder(script.toString(), mode, server).redirectError(log.toFile())
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new AssertionError("`" + SCRIPT + " " + mode + " " + server + "` failed; run it by hand to see "
                        + "why, or point " + "KARST_TEST_POSTGRES_ENDPOINT / KARST_TEST_MYSQL_ENDPOINT at running "
                        + "servers:\n" + Files.readString(log));
            }
            Files.deleteIfExists(log);
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + script + ": " + e.getMessage()
                    + "; run scripts/test-databases and set KARST_TEST_POSTGRES_ENDPOINT / KARST_TEST_MYSQL_ENDPOINT",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + SCRIPT, e);
        }
    }

    /** The script, found from the module's directory up to the repository root. */
    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(SCRIPT);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("no " + SCRIPT + " above " + Path.of("").toAbsolutePath()
                + "; start PostgreSQL and MariaDB and set KARST_TEST_POSTGRES_ENDPOINT / KARST_TEST_MYSQL_ENDPOINT");
    }
}
