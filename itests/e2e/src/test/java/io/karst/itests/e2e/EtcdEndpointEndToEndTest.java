package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code karst server --etcd-endpoint unix://etcd.sock} driven by the real etcdctl (Debian's etcd-client 3.4)
 * through the socket in the data dir: writes, prefix reads, a background watch, leases and endpoint status; then
 * the endpoint moved to a loopback port by configuration, and uninstalled, which must release the port and end
 * its threads. The flag decides at every start: one data dir is started without it (no feature, socket or port),
 * restarted with it, and restarted without it again (Karaf itself installs boot features only on a first start).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdEndpointEndToEndTest {
    private static final Path ETCDCTL = Path.of("/usr/bin/etcdctl");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private KarstServer server;
    private Path socket;
    /** What etcdctl's --endpoints is given: the socket, later the loopback port. */
    private String endpoint;
    private int tcpPort;

    @BeforeAll
    void requireEtcdctl() {
        if (!Files.isExecutable(ETCDCTL)) {
            fail("etcdctl not found at " + ETCDCTL + ": run scripts/install-deps (Debian package etcd-client)");
        }
        socket = tmp.resolve("data/server/db/etcd.sock");
        endpoint = "unix://" + socket;
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(0)
    void withoutTheFlagNoEtcdFeatureSocketOrPortExists() throws Exception {
        start(List.of());
        assertAbsent();
    }

    @Test
    @Order(1)
    void aRestartWithTheFlagListensOnASocketInTheDatabaseFolderThatOnlyItsOwnerMayUse() throws Exception {
        start(List.of("--etcd-endpoint", "unix://etcd.sock"));
        // the endpoint's bundle starts beside the API server, so /readyz can answer before the socket is there
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(socket) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(socket), () -> "no " + socket + "\n" + logText());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertTrue(logText().contains("etcd v3 endpoint listening on " + endpoint));
        ListeningSockets listening = ListeningSockets.of(server.pid());
        assertEquals(Set.of(socket.toString()), listening.unixPaths());
        assertEquals(server.expectedTcpPorts(), listening.tcpPorts(), "the socket opens no TCP port");
    }

    @Test
    @Order(2)
    void etcdctlPutsGetsByPrefixAndDeletes() throws Exception {
        assertEquals("OK\n", etcdctl("put", "/e2e/kv/a", "alpha"));
        etcdctl("put", "/e2e/kv/b", "beta");
        etcdctl("put", "/e2e/kw", "outside");
        assertEquals("/e2e/kv/a\nalpha\n/e2e/kv/b\nbeta\n", etcdctl("get", "--prefix", "/e2e/kv/"));
        assertEquals("1\n", etcdctl("del", "/e2e/kv/a"));
        assertEquals("/e2e/kv/b\nbeta\n", etcdctl("get", "--prefix", "/e2e/kv/"));
    }

    @Test
    @Order(3)
    void aWatchInTheBackgroundSeesAPutAndADeleteMadeThroughEtcdctl() throws Exception {
        // From the next revision on, so the watch misses nothing even if it connects after the put.
        long next = revision() + 1;
        Process watch = new ProcessBuilder(ETCDCTL.toString(), "--endpoints", endpoint, "watch", "--prefix",
                "--rev", Long.toString(next), "/e2e/w/").redirectErrorStream(true).start();
        BlockingQueue<String> lines = lines(watch);
        try {
            etcdctl("put", "/e2e/w/x", "1");
            assertEquals(List.of("PUT", "/e2e/w/x", "1"), take(lines, 3));
            etcdctl("del", "/e2e/w/x");
            assertEquals(List.of("DELETE", "/e2e/w/x"), take(lines, 2));
        } finally {
            watch.destroy();
            if (!watch.waitFor(5, TimeUnit.SECONDS)) {
                watch.destroyForcibly();
            }
        }
    }

    @Test
    @Order(4)
    void leasesAreGrantedKeptAliveReportedAndRevoked() throws Exception {
        Matcher granted = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\(60s\\)")
                .matcher(etcdctl("lease", "grant", "60"));
        assertTrue(granted.find());
        String lease = granted.group(1);
        etcdctl("put", "--lease=" + lease, "/e2e/leased", "v");
        assertTrue(etcdctl("lease", "keep-alive", "--once", lease).contains("TTL(60)"));
        String ttl = etcdctl("lease", "timetolive", "--keys", lease);
        assertTrue(ttl.matches("lease " + lease + " granted with TTL\\(60s\\), remaining\\((59|60)s\\), "
                + "attached keys\\(\\[/e2e/leased\\]\\)\n"), ttl);
        assertTrue(etcdctl("lease", "list").lines().anyMatch(lease::equals));
        assertTrue(etcdctl("lease", "revoke", lease).contains("revoked"));
        assertEquals("", etcdctl("get", "/e2e/leased"));
        assertEquals("lease " + lease + " already expired\n", etcdctl("lease", "timetolive", lease));
    }

    @Test
    @Order(5)
    void endpointStatusAndHealthAnswer() throws Exception {
        JsonNode status = JSON.readTree(etcdctl("endpoint", "status", "--write-out=json")).get(0);
        assertEquals(endpoint, status.path("Endpoint").asText());
        assertEquals("3.5.0", status.path("Status").path("version").asText());
        long revision = status.path("Status").path("header").path("revision").asLong();
        assertTrue(revision >= 8, status::toString);
        assertEquals(revision, revision());
        assertTrue(etcdctl("endpoint", "health").contains("is healthy"));
    }

    @Test
    @Order(6)
    void movingTheEndpointToALoopbackPortRemovesTheSocket() throws Exception {
        tcpPort = FreePort.find();
        Commands.Result set = server.shell("config:property-set -p io.karst.etcdserver listen 127.0.0.1:" + tcpPort);
        assertEquals(0, set.exit(), set::toString);
        awaitTrue(() -> !Files.exists(socket), "the socket to go");
        endpoint = "http://127.0.0.1:" + tcpPort;
        awaitTrue(() -> logText().contains("etcd v3 endpoint listening on " + endpoint), "the port to open");
        assertEquals("/e2e/kv/b\nbeta\n", etcdctl("get", "--prefix", "/e2e/kv/"));
    }

    @Test
    @Order(7)
    void uninstallingTheFeatureReleasesThePortAndEndsItsThreads() throws Exception {
        Commands.Result uninstalled = server.shell("feature:uninstall karst-etcdserver");
        assertEquals(0, uninstalled.exit(), uninstalled::toString);
        assertTrue(FreePort.isFree(tcpPort), "port " + tcpPort + " still bound");
        Commands.Result threads = server.shell("shell:threads --list");
        assertEquals(0, threads.exit(), threads::toString);
        assertTrue(threads.stdout().contains("karst-apiserver"), threads::toString);
        assertFalse(threads.stdout().contains("karst-etcd"), threads::toString);
        assertFalse(threads.stdout().contains("grpc"), threads::toString);
        assertTrue(server.isAlive());
    }

    @Test
    @Order(8)
    void aRestartWithoutTheFlagTakesTheEndpointAway() throws Exception {
        start(List.of());
        assertAbsent();
    }

    private void start(List<String> args) throws Exception {
        if (server != null) {
            assertEquals(0, server.stop());
        }
        server = new KarstServer(tmp.resolve("data"), args).start();
        server.awaitReady(Duration.ofSeconds(90));
    }

    private void assertAbsent() throws Exception {
        Path etc = server.dataDir.resolve("server/karaf/etc");
        String features = Files.readString(etc.resolve("org.apache.karaf.features.cfg"));
        assertFalse(features.contains("karst-etcdserver"), features);
        assertFalse(Files.exists(etc.resolve("io.karst.etcdserver.config")));
        assertFalse(Files.exists(socket));
        ListeningSockets listening = ListeningSockets.of(server.pid());
        assertEquals(Set.of(), listening.unixPaths());
        assertEquals(server.expectedTcpPorts(), listening.tcpPorts(), "no port beyond HTTPS, ssh and shutdown");
        Commands.Result bundles = server.shell("bundle:list -s");
        assertEquals(0, bundles.exit(), bundles::toString);
        assertTrue(bundles.stdout().contains("io.karst.apiserver"), bundles::toString);
        assertFalse(bundles.stdout().contains("io.karst.etcdserver"), bundles::toString);
    }

    private long revision() throws Exception {
        return JSON.readTree(etcdctl("get", "/", "--write-out=json")).path("header").path("revision").asLong();
    }

    /**
     * One etcdctl command against the endpoint; what it printed on both streams (3.4 writes some results, such
     * as {@code endpoint health}, to standard error). Fails on a non-zero exit.
     */
    private String etcdctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ETCDCTL.toString(), "--endpoints", endpoint,
                "--command-timeout=10s"));
        command.addAll(List.of(args));
        Commands.Result r = Commands.run(command, Map.of("ETCDCTL_API", "3"), Duration.ofSeconds(30));
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " failed: " + r);
        return r.stdout() + r.stderr();
    }

    private String logText() {
        try {
            return server.logText();
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static BlockingQueue<String> lines(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the watch was stopped
            }
        }, "etcdctl-watch-reader");
        reader.setDaemon(true);
        reader.start();
        return lines;
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

    private interface Check {
        boolean holds() throws Exception;
    }

    private void awaitTrue(Check check, String what) throws Exception {
        Instant deadline = Instant.now().plusSeconds(15);
        while (!check.holds()) {
            if (Instant.now().isAfter(deadline)) {
                fail("waited 15 s for " + what + "\n" + logText());
            }
            Thread.sleep(100);
        }
    }
}
