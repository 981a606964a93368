package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The throwaway PostgreSQL of scripts/test-databases, started if needed, for tests of servers on it. */
final class TestPostgres {
    private static final Path SCRIPTS = Path.of(System.getProperty("karst.scripts.dir", "../../scripts"));

    private TestPostgres() {
    }

    /** An endpoint naming a database of its own ({@code prefix} + a timestamp), which the server creates. */
    static String newDatabaseEndpoint(String prefix) throws Exception {
        Commands.Result started = Commands.run(List.of("sh", SCRIPTS.resolve("test-databases").toString(), "start",
                "postgres"), Map.of(), Duration.ofMinutes(5));
        assertEquals(0, started.exit(), started::toString);
        String server = started.stdout().lines().filter(l -> l.contains("KARST_TEST_POSTGRES_ENDPOINT=")).findFirst()
                .orElseThrow(() -> new AssertionError("no endpoint in " + started)).replaceAll(".*='?", "")
                .replace("'", "");
        return server.substring(0, server.lastIndexOf('/') + 1) + prefix + System.currentTimeMillis();
    }
}
