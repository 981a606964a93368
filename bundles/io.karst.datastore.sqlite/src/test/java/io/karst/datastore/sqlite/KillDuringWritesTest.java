package io.karst.datastore.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteDataSource;

import io.karst.api.datastore.KeyValue;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;

/**
 * Durability: a separate JVM writes from several threads and is killed with SIGKILL mid-load; on reopening,
 * every write it acknowledged is there at its revision, and the log's revisions run from 1 to the current one
 * with no hole (the single writer hands revisions out only to committed batches, so none can be skipped).
 */
class KillDuringWritesTest {
    private static final Pattern ACK = Pattern.compile("ack (\\S+) (\\d+) \\.");
    private static final long LOAD_MILLIS = 2_000;

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(SqliteSync.class)
    void everyAcknowledgedWriteSurvivesKillNineAndRevisionsHaveNoHoles(SqliteSync sync) throws Exception {
        Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        Process writer = new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                AcknowledgedWriter.class.getName(), dataDir.toString(), sync.name(), "8")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CountDownLatch ready = new CountDownLatch(1);
        StringBuilder errors = new StringBuilder();
        Thread reader = new Thread(() -> collect(writer, acknowledged, ready, errors));
        reader.start();
        try {
            assertTrue(ready.await(30, TimeUnit.SECONDS), "the writer process did not start");
            Thread.sleep(LOAD_MILLIS);
        } finally {
            // On Unix destroyForcibly is SIGKILL: no shutdown hook, no close, as kill -9.
            writer.destroyForcibly();
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
            reader.join(10_000);
        }
        assertEquals(137, writer.exitValue(), "not ended by SIGKILL");
        assertEquals("", errors.toString());
        assertTrue(acknowledged.size() > 100, "too little load to prove anything: " + acknowledged.size());

        try (LogStructuredStore store = SqliteStore.openInDataDir(dataDir, sync, StoreSettings.defaults())) {
            long current = store.currentRevision();
            for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
                long revision = ack.getKey();
                assertTrue(revision <= current, "revision " + revision + " acknowledged, store at " + current);
                Optional<KeyValue> kv = store.get(ack.getValue(), revision);
                assertTrue(kv.isPresent(), "acknowledged write lost: " + ack);
                assertEquals(revision, kv.get().modRevision(), "acknowledged write lost: " + ack);
            }
        }
        long[] ids = revisionRange(dataDir.resolve(SqliteStore.DATABASE_PATH));
        assertEquals(1, ids[1], "first revision");
        assertEquals(ids[2], ids[0], "rows between revision 1 and " + ids[2] + ": holes in the log");
    }

    private static void collect(Process writer, Map<Long, String> acknowledged, CountDownLatch ready,
            StringBuilder errors) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null;) {
                Matcher ack = ACK.matcher(line);
                if (ack.matches()) {
                    String previous = acknowledged.put(Long.parseLong(ack.group(2)), ack.group(1));
                    if (previous != null) {
                        errors.append("revision ").append(ack.group(2)).append(" acknowledged twice\n");
                    }
                } else if (line.equals("ready")) {
                    ready.countDown();
                } else if (line.startsWith("error ")) {
                    errors.append(line).append('\n');
                }
                // Anything else is the line the kill cut short: never acknowledged, so not checked.
            }
        } catch (java.io.IOException e) {
            // The pipe breaks when the process dies; what was read is what was acknowledged.
        }
    }

    /** Rows, lowest and highest revision of the log. */
    private static long[] revisionRange(Path database) throws Exception {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + database);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT COUNT(*), MIN(id), MAX(id) FROM kv_log")) {
            if (!rs.next()) {
                fail("empty log");
            }
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
