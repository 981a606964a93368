package io.karst.etcdserver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint driven by the real etcdctl (Debian's etcd-client, v3 API) over the SQLite store: the proof that
 * an unmodified etcd client reads, writes and watches Karst's store. Runs on loopback TCP here and on a Unix
 * socket in {@link EtcdctlUnixSocketTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdctlTest {
    private static final Path ETCDCTL = Path.of("/usr/bin/etcdctl");

    Path dataDir;
    SqliteEtcdServer server;

    /** Where this class's server listens. */
    SocketAddress listenAddress(Path dir) {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    @BeforeAll
    void start(@TempDir Path dir) {
        dataDir = dir;
        if (!Files.isExecutable(ETCDCTL)) {
            fail("etcdctl not found at " + ETCDCTL + ": install Debian's etcd-client "
                    + "(apt-get install -y --no-install-recommends etcd-client)");
        }
        server = new SqliteEtcdServer(dataDir, listenAddress(dataDir));
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void etcdctlPutsAndGetsAKeyAndAPrefix() throws Exception {
        assertEquals("OK", etcdctl("put", "/ctl/a", "alpha").trim());
        etcdctl("put", "/ctl/b", "beta");
        etcdctl("put", "/ctm", "outside");
        assertEquals("/ctl/a\nalpha\n", etcdctl("get", "/ctl/a"));
        assertEquals("/ctl/a\nalpha\n/ctl/b\nbeta\n", etcdctl("get", "--prefix", "/ctl/"));
        assertEquals("/ctl/a\n/ctl/b\n", etcdctl("get", "--prefix", "--keys-only", "/ctl/").replace("\n\n", "\n"));
        // etcdctl 3.4 has no --count-only: a page of one still reports the whole range's count and "more"
        String page = etcdctl("get", "--prefix", "--limit=1", "--write-out=fields", "/ctl/");
        assertTrue(page.contains("\"Count\" : 2"), page);
        assertTrue(page.contains("\"More\" : true"), page);
    }

    @Test
    void etcdctlDeletesAKeyAndAPrefix() throws Exception {
        etcdctl("put", "/del/a", "1");
        etcdctl("put", "/del/b", "2");
        etcdctl("put", "/del/c", "3");
        assertEquals("1\n", etcdctl("del", "/del/a"));
        assertEquals("2\n", etcdctl("del", "--prefix", "/del/"));
        assertEquals("", etcdctl("get", "--prefix", "/del/"));
    }

    @Test
    void etcdctlWatchReplaysFromARevisionAndSeesLivePuts() throws Exception {
        etcdctl("put", "/w/a", "1");
        long revision = server.store.currentRevision();
        Process watch = new ProcessBuilder(ETCDCTL.toString(), "--endpoints", server.address(), "watch", "--prefix",
                "--rev", Long.toString(revision), "/w/").redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(watch.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process was stopped
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            assertEquals(List.of("PUT", "/w/a", "1"), take(lines, 3));
            etcdctl("put", "/w/b", "2");
            assertEquals(List.of("PUT", "/w/b", "2"), take(lines, 3));
            etcdctl("del", "/w/a");
            assertEquals(List.of("DELETE", "/w/a"), take(lines, 2));
        } finally {
            watch.destroy();
            watch.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void etcdctlEndpointStatusShowsTheVersionAndTheRevision() throws Exception {
        etcdctl("put", "/status", "x");
        String status = etcdctl("endpoint", "status", "--write-out=fields");
        assertTrue(status.contains("\"Version\" : \"" + MaintenanceService.ETCD_VERSION + "\""), status);
        assertTrue(status.contains("\"Revision\" : " + server.store.currentRevision()), status);
        assertTrue(status.contains("\"RaftTerm\" : 1"), status);
        String health = etcdctl("endpoint", "health");
        assertTrue(health.contains("is healthy"), health);
    }

    @Test
    void etcdctlGrantsALeaseAndAttachesAKeyThatItsRevocationDeletes() throws Exception {
        Matcher granted = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\((\\d+)s\\)")
                .matcher(etcdctl("lease", "grant", "60"));
        assertTrue(granted.find());
        String lease = granted.group(1);
        assertEquals("60", granted.group(2));
        etcdctl("put", "--lease=" + lease, "/leased", "v");
        assertEquals("/leased\nv\n", etcdctl("get", "/leased"));
        assertTrue(etcdctl("lease", "keep-alive", "--once", lease).contains("TTL(60)"));
        assertTrue(etcdctl("lease", "list").lines().anyMatch(lease::equals));
        String ttl = etcdctl("lease", "timetolive", "--keys", lease);
        assertTrue(ttl.matches("lease " + lease + " granted with TTL\\(60s\\), remaining\\((59|60)s\\), "
                + "attached keys\\(\\[/leased\\]\\)\n"), ttl);
        assertTrue(etcdctl("lease", "revoke", lease).contains("revoked"));
        assertEquals("", etcdctl("get", "/leased"));
        assertEquals("lease " + lease + " already expired\n", etcdctl("lease", "timetolive", lease));
    }

    /**
     * Runs one etcdctl command against the server and returns what it printed on both streams (etcdctl 3.4 writes
     * some results, such as {@code endpoint health}, to standard error); fails on a non-zero exit.
     */
    private String etcdctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ETCDCTL.toString(), "--endpoints", server.address(),
                "--command-timeout=10s"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ETCDCTL_API", "3");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("etcdctl " + String.join(" ", args) + " did not finish in 30 s");
        }
        assertEquals(0, process.exitValue(), () -> "etcdctl " + String.join(" ", args) + " failed: " + out);
        return out;
    }

    private static List<String> take(BlockingQueue<String> lines, int count) throws InterruptedException {
        List<String> taken = new ArrayList<>();
        while (taken.size() < count) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            if (line == null) {
                fail("etcdctl watch printed " + taken + " and then nothing within 10 s");
            }
            taken.add(line);
        }
        return taken;
    }
}
