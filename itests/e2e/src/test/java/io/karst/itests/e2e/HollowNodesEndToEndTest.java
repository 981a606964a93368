package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;

/**
 * The control loops end to end with the real kubectl, against a server without a node of its own and three hollow
 * nodes ({@link HollowNodes}) that play the kubelet without containers: what a user expects after `kubectl apply`
 * of a workload, up to pods Running, Succeeded or evicted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HollowNodesEndToEndTest {
    private static final Path KUBECTLS = Path.of(System.getProperty("karst.kubectl.dir",
            "/usr/lib/google-cloud-sdk/bin"));

    @TempDir
    static Path tmp;

    private KarstServer server;
    private HollowNodes hollow;

    @BeforeAll
    void start() throws Exception {
        server = new KarstServer(tmp.resolve("data"), List.of()).start();
        server.awaitReady(Duration.ofSeconds(90));
        ApiClient client;
        try (FileReader reader = new FileReader(server.kubeconfig.toFile())) {
            client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(reader)).build();
        }
        hollow = new HollowNodes(client);
        for (String node : List.of("hollow-1", "hollow-2", "hollow-3")) {
            hollow.add(node);
        }
        ok(null, "create", "namespace", "loops");
        // fires at every minute boundary while the other tests run; aCronJobFires... looks at it last
        ok("""
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: tick, namespace: loops}
                spec:
                  schedule: "* * * * *"
                  concurrencyPolicy: Forbid
                  successfulJobsHistoryLimit: 1
                  jobTemplate:
                    spec:
                      template:
                        spec: {restartPolicy: Never, containers: [{name: t, image: busybox:1}]}
                """, "apply", "-f", "-");
    }

    @AfterAll
    void stop() throws Exception {
        if (hollow != null) {
            hollow.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void aDeploymentRollsOutScalesUndoesAndRestarts() throws Exception {
        ok(null, "-n", "loops", "create", "deployment", "web", "--image=busybox:1", "--replicas=3");
        ok(null, "-n", "loops", "rollout", "status", "deployment/web", "--timeout=60s");
        ok(null, "-n", "loops", "scale", "deployment/web", "--replicas=5");
        ok(null, "-n", "loops", "rollout", "status", "deployment/web", "--timeout=60s");
        assertEquals("5", ok(null, "-n", "loops", "get", "deployment", "web", "-o",
                "jsonpath={.status.readyReplicas}").stdout());
        // spread over the three nodes by the scheduler's LeastAllocated scoring
        String nodes = ok(null, "-n", "loops", "get", "pods", "-l", "app=web", "-o",
                "jsonpath={.items[*].spec.nodeName}").stdout();
        assertEquals(3, Arrays.stream(nodes.split(" ")).distinct().count(), nodes);

        ok(null, "-n", "loops", "set", "image", "deployment/web", "busybox=busybox:2");
        ok(null, "-n", "loops", "rollout", "status", "deployment/web", "--timeout=60s");
        assertTrue(ok(null, "-n", "loops", "rollout", "history", "deployment/web").stdout().contains("2"));
        ok(null, "-n", "loops", "rollout", "undo", "deployment/web");
        ok(null, "-n", "loops", "rollout", "status", "deployment/web", "--timeout=60s");
        assertEquals("busybox:1", ok(null, "-n", "loops", "get", "deployment", "web", "-o",
                "jsonpath={.spec.template.spec.containers[0].image}").stdout());
        ok(null, "-n", "loops", "rollout", "restart", "deployment/web");
        ok(null, "-n", "loops", "rollout", "status", "deployment/web", "--timeout=60s");
        assertTrue(ok(null, "-n", "loops", "get", "deployment", "web", "-o",
                "jsonpath={.spec.template.metadata.annotations}").stdout().contains("kubectl.kubernetes.io/restartedAt"));
    }

    @Test
    @Order(2)
    void aServiceGetsTheReadyPodsAsEndpointsAndSlices() throws Exception {
        ok(null, "-n", "loops", "expose", "deployment", "web", "--port=80");
        awaitOutput(5, () -> ok(null, "-n", "loops", "get", "endpoints", "web", "-o",
                "jsonpath={.subsets[*].addresses[*].ip}").stdout().split(" ").length);
        // the slice lists terminating pods too (not ready) until they are gone
        awaitOutput(5, () -> ok(null, "-n", "loops", "get", "endpointslices", "-l",
                "kubernetes.io/service-name=web", "-o",
                "jsonpath={.items[0].endpoints[?(@.conditions.ready==true)].addresses[0]}").stdout().split(" ").length);
    }

    @Test
    @Order(3)
    void aDaemonSetRunsOnEveryNodeAndOnANodeAddedLater() throws Exception {
        ok("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: loops}
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata: {labels: {app: agent}}
                    spec: {containers: [{name: agent, image: busybox:1}]}
                """, "apply", "-f", "-");
        awaitOutput(3, () -> Integer.parseInt(ok(null, "-n", "loops", "get", "daemonset", "agent", "-o",
                "jsonpath={.status.numberReady}").stdout().isEmpty() ? "0" : ok(null, "-n", "loops", "get",
                "daemonset", "agent", "-o", "jsonpath={.status.numberReady}").stdout()));
        hollow.add("hollow-4");
        awaitOutput(4, () -> Integer.parseInt(ok(null, "-n", "loops", "get", "daemonset", "agent", "-o",
                "jsonpath={.status.numberReady}").stdout()));
        String nodes = ok(null, "-n", "loops", "get", "pods", "-l", "app=agent", "-o",
                "jsonpath={.items[*].spec.nodeName}").stdout();
        assertEquals(List.of("hollow-1", "hollow-2", "hollow-3", "hollow-4"),
                Arrays.stream(nodes.split(" ")).sorted().toList());
    }

    @Test
    @Order(4)
    void jobsCompleteOrFailOnTheirBackoffLimit() throws Exception {
        ok("""
                apiVersion: batch/v1
                kind: Job
                metadata: {name: works, namespace: loops}
                spec:
                  completions: 3
                  parallelism: 2
                  template:
                    spec: {restartPolicy: Never, containers: [{name: w, image: busybox:1}]}
                ---
                apiVersion: batch/v1
                kind: Job
                metadata: {name: fails, namespace: loops}
                spec:
                  backoffLimit: 1
                  template:
                    metadata: {annotations: {hollow.karst.io/exit-code: "1"}}
                    spec: {restartPolicy: Never, containers: [{name: w, image: busybox:1}]}
                """, "apply", "-f", "-");
        ok(null, "-n", "loops", "wait", "--for=condition=complete", "job/works", "--timeout=90s");
        assertEquals("3", ok(null, "-n", "loops", "get", "job", "works", "-o", "jsonpath={.status.succeeded}")
                .stdout());
        // backoff 10 s after the first failure, then the second fails too
        ok(null, "-n", "loops", "wait", "--for=condition=failed", "job/fails", "--timeout=90s");
        assertEquals("BackoffLimitExceeded", ok(null, "-n", "loops", "get", "job", "fails", "-o",
                "jsonpath={.status.conditions[?(@.type==\"Failed\")].reason}").stdout());
    }

    @Test
    @Order(99)
    void aCronJobFiresOnItsScheduleAndKeepsOnlyItsHistoryLimit() throws Exception {
        // made at start: by now at least one minute boundary has passed, or soon will
        awaitOutput(true, () -> !ok(null, "-n", "loops", "get", "cronjob", "tick", "-o",
                "jsonpath={.status.lastSuccessfulTime}").stdout().isEmpty(), Duration.ofSeconds(90));
        String scheduled = ok(null, "-n", "loops", "get", "cronjob", "tick", "-o",
                "jsonpath={.status.lastScheduleTime}").stdout();
        assertTrue(scheduled.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00Z"), scheduled);
        String jobs = ok(null, "-n", "loops", "get", "jobs", "-o",
                "jsonpath={range .items[?(@.metadata.ownerReferences[0].name==\"tick\")]}{.metadata.name} {end}")
                .stdout().trim();
        assertTrue(jobs.matches("tick-\\d+( tick-\\d+)?"), jobs);
        // the job name carries the scheduled time in minutes since the epoch, as upstream's
        long minutes = java.time.Instant.parse(scheduled).getEpochSecond() / 60;
        assertTrue(jobs.contains("tick-" + minutes), jobs + " vs " + scheduled);
    }

    @Test
    @Order(5)
    void anUnschedulablePodGetsFailedSchedulingWithTheReason() throws Exception {
        ok(null, "-n", "loops", "run", "nowhere", "--image=busybox:1", "--overrides",
                "{\"spec\":{\"nodeSelector\":{\"zone\":\"mars\"}}}");
        awaitOutput(true, () -> ok(null, "-n", "loops", "get", "events", "--field-selector",
                "involvedObject.name=nowhere,reason=FailedScheduling", "-o", "jsonpath={.items[*].message}")
                .stdout().contains("0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector."));
        assertEquals("Unschedulable", ok(null, "-n", "loops", "get", "pod", "nowhere", "-o",
                "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].reason}").stdout());
    }

    @Test
    @Order(6)
    void aStatefulSetStartsItsPodsInOrder() throws Exception {
        ok("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: loops}
                spec:
                  serviceName: db
                  replicas: 3
                  selector: {matchLabels: {app: db}}
                  template:
                    metadata: {labels: {app: db}}
                    spec: {containers: [{name: db, image: busybox:1}]}
                """, "apply", "-f", "-");
        ok(null, "-n", "loops", "rollout", "status", "statefulset/db", "--timeout=90s");
        // OrderedReady: each pod is created once the one before it is Ready
        String created = ok(null, "-n", "loops", "get", "pods", "db-0", "db-1", "db-2", "-o",
                "jsonpath={range .items[*]}{.metadata.name}={.metadata.creationTimestamp} {end}").stdout().trim();
        List<String> times = Arrays.stream(created.split(" ")).map(e -> e.substring(e.indexOf('=') + 1)).toList();
        assertEquals(times.stream().sorted().toList(), times, created);
        assertEquals("db-0 db-1 db-2", ok(null, "-n", "loops", "get", "pods", "-l", "app=db", "-o",
                "jsonpath={.items[*].metadata.name}").stdout());
    }

    @Test
    @Order(7)
    void deletingAnOwnerCascadesByEachPropagationPolicy() throws Exception {
        for (String policy : List.of("background", "foreground", "orphan")) {
            String name = "gc-" + policy;
            ok(null, "-n", "loops", "create", "deployment", name, "--image=busybox:1", "--replicas=2");
            ok(null, "-n", "loops", "rollout", "status", "deployment/" + name, "--timeout=60s");
            ok(null, "-n", "loops", "delete", "deployment", name, "--cascade=" + policy, "--wait=true",
                    "--timeout=60s");
            CheckedSupplier<Object> left = () -> ok(null, "-n", "loops", "get", "replicasets,pods", "-l",
                    "app=" + name, "-o", "name").stdout().lines().filter(l -> !l.isBlank()).count();
            if (policy.equals("orphan")) {
                // the ReplicaSet and its pods stay, no longer owned
                assertEquals(3L, left.get());
                assertEquals("", ok(null, "-n", "loops", "get", "replicasets", "-l", "app=" + name, "-o",
                        "jsonpath={.items[0].metadata.ownerReferences}").stdout());
            } else {
                awaitOutput(0L, left);
            }
        }
    }

    @Test
    @Order(8)
    void topologySpreadAndAntiAffinityPlacePodsAsUpstream() throws Exception {
        ok(null, "label", "node", "hollow-1", "hollow-3", "topology.kubernetes.io/zone=a");
        ok(null, "label", "node", "hollow-2", "hollow-4", "topology.kubernetes.io/zone=b");
        ok("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: spread, namespace: loops}
                spec:
                  replicas: 6
                  selector: {matchLabels: {app: spread}}
                  template:
                    metadata: {labels: {app: spread}}
                    spec:
                      topologySpreadConstraints:
                      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule,
                         labelSelector: {matchLabels: {app: spread}}}
                      containers: [{name: s, image: busybox:1}]
                """, "apply", "-f", "-");
        ok(null, "-n", "loops", "rollout", "status", "deployment/spread", "--timeout=60s");
        String nodes = ok(null, "-n", "loops", "get", "pods", "-l", "app=spread", "-o",
                "jsonpath={.items[*].spec.nodeName}").stdout();
        long inA = Arrays.stream(nodes.split(" ")).filter(n -> n.equals("hollow-1") || n.equals("hollow-3")).count();
        assertEquals(3, inA, nodes);

        // required anti-affinity on the hostname: one per node, the fifth has nowhere to go
        ok("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: solo, namespace: loops}
                spec:
                  replicas: 5
                  selector: {matchLabels: {app: solo}}
                  template:
                    metadata: {labels: {app: solo}}
                    spec:
                      affinity:
                        podAntiAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                          - {labelSelector: {matchLabels: {app: solo}}, topologyKey: kubernetes.io/hostname}
                      containers: [{name: s, image: busybox:1}]
                """, "apply", "-f", "-");
        awaitOutput(4L, () -> Arrays.stream(ok(null, "-n", "loops", "get", "pods", "-l", "app=solo", "-o",
                "jsonpath={.items[*].spec.nodeName}").stdout().split(" ")).filter(n -> !n.isBlank()).distinct().count());
        awaitOutput(true, () -> ok(null, "-n", "loops", "get", "events", "--field-selector", "reason=FailedScheduling",
                "-o", "jsonpath={.items[*].message}").stdout()
                .contains("0/4 nodes are available: 4 node(s) didn't match pod anti-affinity rules."));
        ok(null, "-n", "loops", "delete", "deployment", "solo");
    }

    @Test
    @Order(9)
    void aSilentNodeIsTaintedAndItsPodsAreEvictedAndReplaced() throws Exception {
        ok("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: brief, namespace: loops}
                spec:
                  replicas: 4
                  selector: {matchLabels: {app: brief}}
                  template:
                    metadata: {labels: {app: brief}}
                    spec:
                      nodeSelector: {kubernetes.io/hostname: hollow-2}
                      tolerations:
                      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 5}
                      containers: [{name: b, image: busybox:1}]
                """, "apply", "-f", "-");
        ok(null, "-n", "loops", "rollout", "status", "deployment/brief", "--timeout=60s");
        hollow.silence("hollow-2");
        // 50 s of silence, then Unknown and tainted; 5 s later the pods go
        awaitOutput(true, () -> ok(null, "get", "node", "hollow-2", "-o", "jsonpath={.spec.taints[*].key}")
                .stdout().contains("node.kubernetes.io/unreachable"), Duration.ofSeconds(90));
        assertEquals("Unknown", ok(null, "get", "node", "hollow-2", "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").stdout());
        awaitOutput(true, () -> ok(null, "-n", "loops", "get", "pods", "-l", "app=brief", "-o",
                "jsonpath={.items[*].metadata.deletionTimestamp}").stdout().split(" ").length == 4,
                Duration.ofSeconds(60));
        // the replacements cannot go anywhere: only hollow-2 matches, and it is unreachable
        awaitOutput(true, () -> ok(null, "-n", "loops", "get", "events", "--field-selector", "reason=FailedScheduling",
                "-o", "jsonpath={.items[*].message}").stdout().contains("untolerated taint"), Duration.ofSeconds(60));
    }

    @Test
    @Order(10)
    void drainEvictsThroughTheDisruptionBudgetWaitingWhileItAllowsNoMore() throws Exception {
        // both replicas on hollow-3 (hollow-4 cordoned meanwhile), then a budget that lets one go at a time
        ok(null, "cordon", "hollow-4");
        ok("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: guarded, namespace: loops}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: guarded}}
                  template:
                    metadata: {labels: {app: guarded}}
                    spec:
                      affinity:
                        nodeAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                            nodeSelectorTerms:
                            - matchExpressions:
                              - {key: kubernetes.io/hostname, operator: In, values: [hollow-3, hollow-4]}
                      containers: [{name: g, image: busybox:1}]
                """, "apply", "-f", "-");
        ok(null, "-n", "loops", "rollout", "status", "deployment/guarded", "--timeout=60s");
        ok(null, "uncordon", "hollow-4");
        ok(null, "-n", "loops", "create", "poddisruptionbudget", "guarded", "--selector=app=guarded",
                "--min-available=1");
        awaitOutput("1", () -> ok(null, "-n", "loops", "get", "pdb", "guarded", "-o",
                "jsonpath={.status.disruptionsAllowed}").stdout());
        assertTrue(ok(null, "-n", "loops", "get", "pdb", "guarded").stdout().contains("ALLOWED DISRUPTIONS"));

        // with hollow-4 cordoned too, the first evicted replica's replacement cannot become ready anywhere: the
        // budget allows no second eviction, and the drain gives up with the budget's refusal
        ok(null, "cordon", "hollow-4");
        Commands.Result held = kubectl(null, "drain", "hollow-3", "--ignore-daemonsets", "--delete-emptydir-data",
                "--force", "--timeout=15s");
        assertNotEquals(0, held.exit(), held::toString);
        assertTrue(held.stderr().contains("Cannot evict pod as it would violate the pod's disruption budget."),
                held::toString);
        assertEquals(1, ok(null, "-n", "loops", "get", "pods", "-l", "app=guarded", "--field-selector",
                "spec.nodeName=hollow-3", "-o", "name").stdout().lines().count(), "one replica stayed");
        // once the replacement can run on hollow-4, the drain finishes
        ok(null, "uncordon", "hollow-4");
        Commands.Result drain = ok(null, "drain", "hollow-3", "--ignore-daemonsets", "--delete-emptydir-data",
                "--force", "--timeout=100s");
        assertTrue(drain.stdout().contains("node/hollow-3 drained"), drain::toString);
        assertEquals("hollow-4 hollow-4", ok(null, "-n", "loops", "get", "pods", "-l", "app=guarded", "-o",
                "jsonpath={.items[*].spec.nodeName}").stdout());
        awaitOutput("1", () -> ok(null, "-n", "loops", "get", "pdb", "guarded", "-o",
                "jsonpath={.status.disruptionsAllowed}").stdout());
        ok(null, "uncordon", "hollow-3");
    }

    @Test
    @Order(11)
    void persistentVolumesBindFollowTheirNodesAndAreReleased() throws Exception {
        // Immediate: a static volume and a claim of the same class are bound to each other
        ok("""
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: static-1}
                spec:
                  capacity: {storage: 1Gi}
                  accessModes: [ReadWriteOnce]
                  storageClassName: manual
                  hostPath: {path: /tmp/static-1}
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: static, namespace: loops}
                spec:
                  accessModes: [ReadWriteOnce]
                  storageClassName: manual
                  resources: {requests: {storage: 500Mi}}
                """, "apply", "-f", "-");
        awaitOutput("Bound", () -> ok(null, "-n", "loops", "get", "pvc", "static", "-o",
                "jsonpath={.status.phase}").stdout());
        String table = ok(null, "-n", "loops", "get", "pv,pvc").stdout();
        assertTrue(table.lines().anyMatch(l -> l.startsWith("persistentvolume/static-1") && l.contains("Bound")
                && l.contains("loops/static") && l.contains("manual")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("persistentvolumeclaim/static") && l.contains("Bound")
                && l.contains("static-1") && l.contains("1Gi")), table);

        // WaitForFirstConsumer: the claim waits for a pod, which goes where the local volume is
        ok("""
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata: {name: local-disks}
                provisioner: kubernetes.io/no-provisioner
                volumeBindingMode: WaitForFirstConsumer
                ---
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: local-1}
                spec:
                  capacity: {storage: 2Gi}
                  accessModes: [ReadWriteOnce]
                  storageClassName: local-disks
                  local: {path: /mnt/disks/1}
                  nodeAffinity:
                    required:
                      nodeSelectorTerms:
                      - matchExpressions:
                        - {key: kubernetes.io/hostname, operator: In, values: [hollow-1]}
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: local, namespace: loops}
                spec:
                  accessModes: [ReadWriteOnce]
                  storageClassName: local-disks
                  resources: {requests: {storage: 1Gi}}
                """, "apply", "-f", "-");
        awaitOutput(true, () -> ok(null, "-n", "loops", "get", "events", "--field-selector",
                "involvedObject.name=local,reason=WaitForFirstConsumer", "-o", "jsonpath={.items[*].message}")
                .stdout().contains("waiting for first consumer to be created before binding"));
        assertEquals("Pending", ok(null, "-n", "loops", "get", "pvc", "local", "-o", "jsonpath={.status.phase}")
                .stdout());
        ok(null, "-n", "loops", "run", "uses-local", "--image=busybox:1", "--overrides", "{\"spec\":{\"volumes\":"
                + "[{\"name\":\"data\",\"persistentVolumeClaim\":{\"claimName\":\"local\"}}]}}");
        awaitOutput("Running", () -> ok(null, "-n", "loops", "get", "pod", "uses-local", "-o",
                "jsonpath={.status.phase}").stdout());
        assertEquals("hollow-1", ok(null, "-n", "loops", "get", "pod", "uses-local", "-o",
                "jsonpath={.spec.nodeName}").stdout());
        awaitOutput("Bound local-1", () -> ok(null, "-n", "loops", "get", "pvc", "local", "-o",
                "jsonpath={.status.phase} {.spec.volumeName}").stdout());

        // claims that cannot be satisfied: the pod's FailedScheduling names why
        ok("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: local-2, namespace: loops}
                spec:
                  accessModes: [ReadWriteOnce]
                  storageClassName: local-disks
                  resources: {requests: {storage: 1Gi}}
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: golden, namespace: loops}
                spec:
                  accessModes: [ReadWriteOnce]
                  storageClassName: gold
                  resources: {requests: {storage: 1Gi}}
                """, "apply", "-f", "-");
        Map<String, String> unsatisfied = Map.of(
                "local-2", "node(s) didn't find available persistent volumes to bind.",
                "golden", "nodes are available: pod has unbound immediate PersistentVolumeClaims.",
                "nowhere-claim", "nodes are available: persistentvolumeclaim \"nowhere-claim\" not found.");
        for (Map.Entry<String, String> e : unsatisfied.entrySet()) {
            String pod = "needs-" + e.getKey();
            ok(null, "-n", "loops", "run", pod, "--image=busybox:1", "--overrides", "{\"spec\":{\"volumes\":"
                    + "[{\"name\":\"data\",\"persistentVolumeClaim\":{\"claimName\":\"" + e.getKey() + "\"}}]}}");
            awaitOutput(true, () -> ok(null, "-n", "loops", "get", "events", "--field-selector",
                    "involvedObject.name=" + pod + ",reason=FailedScheduling", "-o", "jsonpath={.items[*].message}")
                    .stdout().contains(e.getValue()));
            assertEquals("", ok(null, "-n", "loops", "get", "pod", pod, "-o", "jsonpath={.spec.nodeName}").stdout());
        }
        awaitOutput(true, () -> ok(null, "-n", "loops", "get", "events", "--field-selector",
                "involvedObject.name=golden,reason=ProvisioningFailed", "-o", "jsonpath={.items[*].message}")
                .stdout().contains("storageclass.storage.k8s.io \"gold\" not found"));
        assertEquals("Pending", ok(null, "-n", "loops", "get", "pvc", "golden", "-o", "jsonpath={.status.phase}")
                .stdout());

        // a deleted claim releases its Retain volume, which keeps its claimRef for the administrator
        ok(null, "-n", "loops", "delete", "pvc", "static", "--timeout=60s");
        awaitOutput("Released loops/static", () -> ok(null, "get", "pv", "static-1", "-o",
                "jsonpath={.status.phase} {.spec.claimRef.namespace}/{.spec.claimRef.name}").stdout());

        // a claim in use stays (Terminating) until its pod goes
        ok(null, "-n", "loops", "delete", "pvc", "local", "--wait=false");
        Thread.sleep(2000);
        assertTrue(ok(null, "-n", "loops", "get", "pvc", "local", "-o", "jsonpath={.metadata.deletionTimestamp}")
                .stdout().length() > 0);
        assertEquals("kubernetes.io/pvc-protection", ok(null, "-n", "loops", "get", "pvc", "local", "-o",
                "jsonpath={.metadata.finalizers[*]}").stdout());
        ok(null, "-n", "loops", "delete", "pod", "uses-local", "--timeout=60s");
        awaitOutput("", () -> ok(null, "-n", "loops", "get", "pvc", "--ignore-not-found", "local", "-o", "name")
                .stdout());
        // its local volume is Retain too: Released, not back in the pool
        awaitOutput("Released", () -> ok(null, "get", "pv", "local-1", "-o", "jsonpath={.status.phase}").stdout());
    }

    private void awaitOutput(Object expected, CheckedSupplier<Object> actual) throws Exception {
        awaitOutput(expected, actual, Duration.ofSeconds(60));
    }

    private void awaitOutput(Object expected, CheckedSupplier<Object> actual, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        Object seen;
        while (!expected.equals(seen = actual.get())) {
            Object last = seen;
            assertTrue(System.nanoTime() < deadline, () -> "expected " + expected + ", last " + last
                    + "; hollow nodes: " + hollow.lastError());
            Thread.sleep(500);
        }
    }

    @FunctionalInterface
    private interface CheckedSupplier<T> {
        T get() throws Exception;
    }

    private Commands.Result kubectl(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KUBECTLS.resolve("kubectl.1.33").toString(), "--kubeconfig",
                server.kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of("HOME", tmp.toString()), Duration.ofSeconds(120), stdin);
    }

    private Commands.Result ok(String stdin, String... args) throws Exception {
        Commands.Result r = kubectl(stdin, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r + "\nhollow nodes: "
                + hollow.lastError());
        return r;
    }
}
