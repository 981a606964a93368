package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
 * A server with its node, as `karst server` runs by default, in a network namespace of its own: containerd started
 * by the node, the project's images imported from the distribution, the Node Ready, and pods run as real
 * containers, driven by the real kubectl.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeEndToEndTest {
    private static final Path KUBECTLS = Path.of(System.getProperty("karst.kubectl.dir",
            "/usr/lib/google-cloud-sdk/bin"));
    static final String BUSYBOX = "localhost/karst/busybox:1.35.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private NodeSandbox sandbox;
    private KarstServer server;

    @BeforeAll
    void startServer() throws Exception {
        Path data = tmp.resolve("data");
        sandbox = new NodeSandbox(data);
        server = new KarstServer(data, List.of("--node-ip", NodeSandbox.NODE_IP), true)
                .inNetworkNamespace(sandbox.netns).start();
        server.awaitReady(Duration.ofSeconds(120));
        ok(null, "create", "namespace", "e2e");
    }

    @AfterAll
    void stopServer() throws Exception {
        try {
            if (server != null && server.isAlive()) {
                kubectl("1.33", null, "delete", "namespace", "e2e", "--timeout=60s");
            }
        } finally {
            if (server != null) {
                server.close();
            }
            sandbox.close();
        }
    }

    private Commands.Result kubectl(String version, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(server.enter());
        cmd.addAll(List.of(KUBECTLS.resolve("kubectl." + version).toString(), "--kubeconfig",
                server.kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of("HOME", tmp.toString()), Duration.ofSeconds(150), stdin);
    }

    private Commands.Result ok(String stdin, String... args) throws Exception {
        Commands.Result r = kubectl("1.33", stdin, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r + "\n" + serverLog());
        return r;
    }

    private String kubectlText(String... args) {
        try {
            return kubectl("1.33", null, args).toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private String serverLog() {
        try {
            String log = server.logText();
            return log.length() > 20_000 ? log.substring(log.length() - 20_000) : log;
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    @Order(1)
    void theNodeRegistersAndBecomesReady() throws Exception {
        awaitNodeReady();
        String node = ok(null, "get", "node", "e2e-node", "-o",
                "jsonpath={.spec.podCIDR} {.status.nodeInfo.containerRuntimeVersion} "
                        + "{.metadata.labels.node-role\\.kubernetes\\.io/control-plane} {.status.addresses[0].address}")
                .stdout();
        assertTrue(node.matches("10\\.42\\.\\d+\\.0/24 containerd://1\\.6\\.\\S+ true 192\\.0\\.2\\.10"), node);
        String wide = ok(null, "get", "nodes", "-o", "wide").stdout();
        assertTrue(wide.contains("e2e-node") && wide.contains("Ready"), wide);

        Commands.Result shell = server.shell("karst:node");
        assertTrue(shell.stdout().contains("containerd 1.6") && shell.stdout().contains("network ready")
                && shell.stdout().contains("localhost/karst/pause:1.35.0"), shell.toString());
        // an archive imported by hand (here the distribution's own busybox again) and a file that is none
        Path archive = Distribution.home().resolve("images/karst-busybox.tar");
        Commands.Result imported = server.karst("images", "import", archive.toString(), "--data-dir",
                server.dataDir.toString());
        assertEquals(0, imported.exit(), imported::toString);
        assertTrue(imported.stdout().contains("imported " + BUSYBOX), imported.toString());
        Path junk = tmp.resolve("junk.tar");
        java.nio.file.Files.writeString(junk, "not an archive");
        Commands.Result refused = server.karst("images", "import", junk.toString(), "--data-dir",
                server.dataDir.toString());
        assertTrue(refused.exit() != 0, refused::toString);
    }

    @Test
    @Order(2)
    void aDeploymentRunsWithItsConfigMapAndSecretMountedAsFiles() throws Exception {
        ok(null, "-n", "e2e", "create", "configmap", "settings", "--from-literal=greeting=hello");
        ok(null, "-n", "e2e", "create", "secret", "generic", "creds", "--from-literal=password=s3cret");
        // the server starts only when both files hold what they should, and is Ready only when it answers HTTP
        ok("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: e2e}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: web
                        image: %s
                        imagePullPolicy: IfNotPresent
                        command: [sh, -c, 'test "$(cat /cfg/greeting)" = hello && test "$(cat /sec/password)" = s3cret && mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www']
                        readinessProbe: {httpGet: {path: /index.html, port: 8080}, periodSeconds: 1}
                        volumeMounts:
                        - {name: cfg, mountPath: /cfg}
                        - {name: sec, mountPath: /sec}
                      volumes:
                      - {name: cfg, configMap: {name: settings}}
                      - {name: sec, secret: {secretName: creds}}
                """.formatted(BUSYBOX), "apply", "-f", "-");
        ok(null, "-n", "e2e", "rollout", "status", "deployment/web", "--timeout=120s");
        String ips = ok(null, "-n", "e2e", "get", "pods", "-l", "app=web", "-o",
                "jsonpath={.items[*].status.podIP}").stdout().trim();
        assertTrue(ips.matches("10\\.42\\.\\d+\\.\\d+ 10\\.42\\.\\d+\\.\\d+"), ips);
        String table = ok(null, "-n", "e2e", "get", "pods", "-l", "app=web").stdout();
        assertTrue(table.contains("1/1") && table.contains("Running"), table);
    }

    @Test
    @Order(3)
    void kubectlLogsShowsBothStreamsAndFollows() throws Exception {
        ok("""
                apiVersion: v1
                kind: Pod
                metadata: {name: talker, namespace: e2e}
                spec:
                  containers:
                  - name: app
                    image: %s
                    command: [sh, -c, 'echo line-1; echo line-2; echo oops >&2; sleep 4; echo line-3; sleep 3600']
                """.formatted(BUSYBOX), "apply", "-f", "-");
        ok(null, "-n", "e2e", "wait", "--for=condition=Ready", "pod/talker", "--timeout=90s");
        for (String version : List.of("1.29", "1.33")) {
            Commands.Result r = kubectl(version, null, "-n", "e2e", "logs", "talker");
            assertEquals(0, r.exit(), r::toString);
            // the runtime copies stdout and stderr separately, so only each stream's own order is certain
            List<String> lines = r.stdout().lines().toList();
            assertTrue(lines.contains("oops") && lines.indexOf("line-1") >= 0
                    && lines.indexOf("line-1") < lines.indexOf("line-2"), r.stdout());
        }
        // -f prints line-3 when it comes; the request is cut by kubectl's own timeout
        Commands.Result follow = kubectl("1.33", null, "-n", "e2e", "logs", "-f", "talker", "--request-timeout=8s");
        assertTrue(follow.stdout().contains("line-3"), follow.toString());
        assertEquals("line-3\n", ok(null, "-n", "e2e", "logs", "talker", "--tail=1").stdout());
        Commands.Result none = kubectl("1.33", null, "-n", "e2e", "logs", "talker", "--previous");
        assertTrue(none.exit() != 0 && none.stderr().contains("previous terminated container"), none.toString());
    }

    @Test
    @Order(4)
    void aFailingLivenessProbeRestartsTheContainerAndRestartsCountsIt() throws Exception {
        ok("""
                apiVersion: v1
                kind: Pod
                metadata: {name: sick, namespace: e2e}
                spec:
                  containers:
                  - name: app
                    image: %s
                    command: [sh, -c, 'echo started; touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 3600']
                    livenessProbe: {exec: {command: [cat, /tmp/healthy]}, periodSeconds: 1, failureThreshold: 1}
                """.formatted(BUSYBOX), "apply", "-f", "-");
        ok(null, "-n", "e2e", "wait", "--for=jsonpath={.status.containerStatuses[0].restartCount}=1", "pod/sick",
                "--timeout=90s");
        String table = ok(null, "-n", "e2e", "get", "pod", "sick").stdout();
        assertTrue(table.lines().skip(1).findFirst().orElse("").matches("sick\\s+\\S+\\s+\\S+\\s+[1-9].*"), table);
        assertEquals("started\n", ok(null, "-n", "e2e", "logs", "sick", "--previous").stdout());
        String events = ok(null, "-n", "e2e", "get", "events", "--field-selector", "involvedObject.name=sick").stdout();
        assertTrue(events.contains("Unhealthy") && events.contains("Liveness probe failed"), events);
    }

    @Test
    @Order(5)
    void twoContainersShareAnEmptyDir() throws Exception {
        ok("""
                apiVersion: v1
                kind: Pod
                metadata: {name: share, namespace: e2e}
                spec:
                  restartPolicy: Never
                  volumes: [{name: data, emptyDir: {}}]
                  containers:
                  - name: writer
                    image: %1$s
                    command: [sh, -c, 'echo from-writer > /data/x']
                    volumeMounts: [{name: data, mountPath: /data}]
                  - name: reader
                    image: %1$s
                    command: [sh, -c, 'while ! test -s /data/x; do sleep 0.2; done; cat /data/x > /dev/termination-log']
                    volumeMounts: [{name: data, mountPath: /data}]
                """.formatted(BUSYBOX), "apply", "-f", "-");
        ok(null, "-n", "e2e", "wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/share", "--timeout=90s");
        String message = ok(null, "-n", "e2e", "get", "pod", "share", "-o",
                "jsonpath={.status.containerStatuses[?(@.name=='reader')].state.terminated.message}").stdout();
        assertEquals("from-writer", message.trim());
    }

    @Test
    @Order(6)
    void deleteStopsTheContainersWithinTheGracePeriod() throws Exception {
        ok("""
                apiVersion: v1
                kind: Pod
                metadata: {name: stubborn, namespace: e2e}
                spec:
                  terminationGracePeriodSeconds: 3
                  containers:
                  - name: app
                    image: %s
                    command: [sh, -c, 'trap "" TERM; while :; do sleep 1; done']
                """.formatted(BUSYBOX), "apply", "-f", "-");
        ok(null, "-n", "e2e", "wait", "--for=condition=Ready", "pod/stubborn", "--timeout=90s");
        Instant start = Instant.now();
        ok(null, "-n", "e2e", "delete", "pod", "stubborn", "--timeout=60s");
        Duration took = Duration.between(start, Instant.now());
        // the container ignores SIGTERM, so it is killed when its 3 s are up
        assertTrue(took.compareTo(Duration.ofSeconds(3)) >= 0 && took.compareTo(Duration.ofSeconds(20)) < 0,
                took.toString());
    }

    @Test
    @Order(7)
    void kubectlExecRunsCommandsWithTheirStreamsAndExitCode() throws Exception {
        ok("""
                apiVersion: v1
                kind: Pod
                metadata: {name: shell, namespace: e2e}
                spec:
                  containers:
                  - name: app
                    image: %s
                    command: [sh, -c, 'mkdir -p /www && echo forwarded > /www/index.html && exec httpd -f -p 8080 -h /www']
                """.formatted(BUSYBOX), "apply", "-f", "-");
        ok(null, "-n", "e2e", "wait", "--for=condition=Ready", "pod/shell", "--timeout=90s");
        for (String version : List.of("1.29", "1.33")) {
            Commands.Result both = kubectl(version, null, "-n", "e2e", "exec", "shell", "--", "sh", "-c",
                    "echo to-out; echo to-err >&2");
            assertEquals(0, both.exit(), both::toString);
            assertEquals("to-out\n", both.stdout(), both::toString);
            assertTrue(both.stderr().contains("to-err\n"), both::toString);

            Commands.Result exit = kubectl(version, null, "-n", "e2e", "exec", "shell", "--", "sh", "-c", "exit 3");
            assertEquals(3, exit.exit(), exit::toString);

            // stdin's end reaches the command, so cat ends
            Commands.Result cat = kubectl(version, "hello\n", "-n", "e2e", "exec", "-i", "shell", "--", "cat");
            assertEquals(0, cat.exit(), cat::toString);
            assertEquals("hello\n", cat.stdout(), cat::toString);

            Commands.Result unknown = kubectl(version, null, "-n", "e2e", "exec", "shell", "-c", "nope", "--", "true");
            assertTrue(unknown.exit() != 0 && unknown.stderr().contains("container nope is not valid for pod shell"),
                    unknown::toString);
        }
        // the protocol each kubectl spoke: 1.33 a v5 WebSocket (translated to SPDY toward containerd), 1.29 SPDY
        Commands.Result websocket = kubectl("1.33", null, "-v=8", "-n", "e2e", "exec", "shell", "--", "true");
        assertTrue(websocket.exit() == 0 && websocket.stderr().contains("The subprotocol is v5.channel.k8s.io"),
                websocket::toString);
        Commands.Result spdy = kubectl("1.29", null, "-v=8", "-n", "e2e", "exec", "shell", "--", "true");
        assertTrue(spdy.exit() == 0 && spdy.stderr().contains("Upgrade: SPDY/3.1")
                && spdy.stderr().contains("X-Stream-Protocol-Version: v4.channel.k8s.io"), spdy::toString);
        // a terminal: kubectl -t sends the size of its own (script's pseudo-terminal) on the resize stream/channel,
        // just after the command started (hence the sleep)
        for (String version : List.of("1.29", "1.33")) {
            List<String> cmd = new ArrayList<>(server.enter());
            cmd.addAll(List.of("script", "-qec", "stty rows 42 cols 123; " + KUBECTLS.resolve("kubectl." + version)
                    + " --kubeconfig " + server.kubeconfig + " -n e2e exec -it shell -- sh -c 'sleep 1; stty size; tty'",
                    "/dev/null"));
            Commands.Result tty = Commands.run(cmd, Map.of("HOME", tmp.toString()), Duration.ofSeconds(60));
            assertEquals(0, tty.exit(), tty::toString);
            assertTrue(tty.stdout().contains("42 123") && tty.stdout().contains("/dev/pts/"), tty::toString);
        }
        for (String version : List.of("1.29", "1.33")) {
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Instant start = Instant.now();
                Commands.Result r = kubectl(version, null, "-n", "e2e", "exec", "shell", "--", "true");
                millis.add(Duration.between(start, Instant.now()).toMillis());
                assertEquals(0, r.exit(), r::toString);
            }
            System.out.println("kubectl " + version + " exec shell -- true took (ms): " + millis);
        }
    }

    @Test
    @Order(8)
    void kubectlPortForwardReachesThePodsPort() throws Exception {
        int localPort = 18080;
        for (String version : List.of("1.29", "1.33")) {
            List<String> cmd = new ArrayList<>(server.enter());
            cmd.addAll(List.of(KUBECTLS.resolve("kubectl." + version).toString(), "--kubeconfig",
                    server.kubeconfig.toString(), "-v=8", "-n", "e2e", "port-forward", "pod/shell",
                    localPort + ":8080"));
            Path out = tmp.resolve("port-forward-" + version + ".out");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("HOME", tmp.toString());
            Process forward = pb.start();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!java.nio.file.Files.readString(out).contains("Forwarding from")) {
                    assertTrue(forward.isAlive() && System.nanoTime() < deadline,
                            () -> "kubectl port-forward: " + read(out));
                    Thread.sleep(100);
                }
                for (int i = 0; i < 2; i++) {
                    List<String> curl = new ArrayList<>(server.enter());
                    curl.addAll(List.of("curl", "-s", "--max-time", "10", "http://127.0.0.1:" + localPort
                            + "/index.html"));
                    Commands.Result got = Commands.run(curl, Map.of(), Duration.ofSeconds(20));
                    assertEquals("forwarded\n", got.stdout(), () -> got + "\n" + read(out));
                }
                // 1.33 tunnels SPDY through a WebSocket, 1.29 upgrades to SPDY
                String protocol = version.equals("1.29") ? "Upgrade: SPDY/3.1"
                        : "Sec-Websocket-Protocol: SPDY/3.1+portforward.k8s.io";
                assertTrue(read(out).contains(protocol), () -> read(out));
            } finally {
                forward.destroy();
                if (!forward.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    forward.destroyForcibly().waitFor();
                }
            }
            localPort++;
        }
    }

    private static String read(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    @Order(9)
    void theKubeletsStatsMetricsAndPodsAreReachedThroughNodesProxy() throws Exception {
        String node = ok(null, "get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").stdout().trim();
        String proxy = "/api/v1/nodes/" + node + "/proxy";
        assertEquals("ok", ok(null, "get", "--raw", proxy + "/healthz").stdout());
        JsonNode summary = JSON.readTree(ok(null, "get", "--raw", proxy + "/stats/summary").stdout());
        assertEquals(node, summary.path("node").path("nodeName").asText());
        assertTrue(summary.path("node").path("memory").path("workingSetBytes").asLong() > 0, summary::toString);
        assertTrue(summary.path("node").path("runtime").path("imageFs").path("capacityBytes").asLong() > 0);
        JsonNode shell = null;
        for (JsonNode pod : summary.path("pods")) {
            if (pod.path("podRef").path("name").asText().equals("shell")) {
                shell = pod;
            }
        }
        assertTrue(shell != null, summary::toString);
        JsonNode app = shell.path("containers").get(0);
        // a running shell and an httpd: some CPU time, some memory, in their cgroups
        assertTrue(app.path("cpu").path("usageCoreNanoSeconds").asLong() > 0, shell::toString);
        assertTrue(app.path("memory").path("workingSetBytes").asLong() > 0, shell::toString);
        assertEquals("eth0", shell.path("network").path("name").asText(), shell::toString);
        assertTrue(shell.path("process_stats").path("process_count").asLong() >= 2, shell::toString);

        String metrics = ok(null, "get", "--raw", proxy + "/metrics/resource").stdout();
        assertTrue(metrics.contains("container_memory_working_set_bytes{container=\"" + app.path("name").asText()
                + "\",namespace=\"e2e\",pod=\"shell\"}"), metrics);
        assertTrue(metrics.contains("\nnode_cpu_usage_seconds_total "), metrics);
        JsonNode pods = JSON.readTree(ok(null, "get", "--raw", proxy + "/pods").stdout());
        assertEquals("PodList", pods.path("kind").asText());
        Commands.Result missing = kubectl("1.33", null, "get", "--raw", proxy + "/no-such-handler");
        assertTrue(missing.exit() != 0 && missing.stderr().contains("NotFound"), missing::toString);
    }

    @Test
    @Order(10)
    void kubectlAttachGivesTheMainProcessItsStdin() throws Exception {
        for (String version : List.of("1.29", "1.33")) {
            String pod = "reader-" + version.replace(".", "");
            ok("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: %s, namespace: e2e}
                    spec:
                      restartPolicy: Never
                      containers:
                      - name: app
                        image: %s
                        stdin: true
                        stdinOnce: true
                        command: [sh, -c, 'read line; echo got $line']
                    """.formatted(pod, BUSYBOX), "apply", "-f", "-");
            ok(null, "-n", "e2e", "wait", "--for=condition=Ready", "pod/" + pod, "--timeout=90s");
            // the line reaches the container's main process, whose answer comes back; its exit ends attach
            Commands.Result attached = kubectl(version, "hi\n", "-n", "e2e", "attach", "-i", pod);
            assertTrue(attached.stdout().contains("got hi"), attached::toString);
        }
    }

    @Test
    @Order(11)
    void aManifestInPodManifestsRunsAsAStaticPodWithAMirrorUntilItsFileGoes() throws Exception {
        Path manifests = server.dataDir.resolve("agent/pod-manifests");
        java.nio.file.Files.createDirectories(manifests);
        Path file = manifests.resolve("pinger.yaml");
        java.nio.file.Files.writeString(file, """
                apiVersion: v1
                kind: Pod
                metadata: {name: pinger}
                spec:
                  containers:
                  - name: app
                    image: %s
                    command: [sh, -c, 'echo static; exec sleep 3600']
                """.formatted(BUSYBOX));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (kubectl("1.33", null, "get", "pod", "pinger-e2e-node").exit() != 0) {
            assertTrue(System.nanoTime() < deadline, "no mirror pod within 60 s\n" + serverLog());
            Thread.sleep(500);
        }
        ok(null, "wait", "--for=condition=Ready", "pod/pinger-e2e-node", "--timeout=60s");
        String mirror = ok(null, "get", "pod", "pinger-e2e-node", "-o", "jsonpath={.metadata.annotations.kubernetes\\.io/config\\.source} "
                + "{.metadata.ownerReferences[0].kind} {.spec.nodeName}").stdout();
        assertEquals("file Node e2e-node", mirror);
        Commands.Result logs = kubectl("1.33", null, "logs", "pinger-e2e-node");
        assertEquals("static\n", logs.stdout(), () -> logs + "\n" + kubectlText("get", "pod", "pinger-e2e-node",
                "-o", "yaml") + serverLog().lines().filter(l -> l.contains("pinger") || l.contains("tatic"))
                        .collect(java.util.stream.Collectors.joining("\n")));

        java.nio.file.Files.delete(file);
        ok(null, "wait", "--for=delete", "pod/pinger-e2e-node", "--timeout=60s");
    }

    @Test
    @Order(12)
    void deletingTheNamespaceLeavesNothingInContainerd() throws Exception {
        assertTrue(sandbox.containers().size() > 0);
        ok(null, "delete", "namespace", "e2e", "--timeout=120s");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> left = sandbox.containers();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            left = sandbox.containers();
        }
        assertEquals(List.of(), left);
    }

    /** kubectl wait fails at once on a Node not registered yet: wait for it to exist first. */
    private void awaitNodeReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (kubectl("1.33", null, "get", "node", "e2e-node").exit() != 0) {
            assertTrue(System.nanoTime() < deadline, "node e2e-node not registered within 120 s");
            Thread.sleep(500);
        }
        ok(null, "wait", "--for=condition=Ready", "node/e2e-node", "--timeout=120s");
    }
}
