import java.io.FileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.karst.itests.e2e.HollowNodes;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;

/**
 * bench/scale (issue 8): N hollow nodes, then Deployments totalling P pods, and how the control plane copes: time
 * until every pod is bound and Running, the scheduler's throughput (over the run, and over the seconds in which pods
 * waited for it), the latency of mutating API requests made during
 * the run (a ConfigMap written every 100 ms, and the hollow kubelets' own status writes), and the server's peak RSS
 * and CPU time from /proc. Runs with the e2e test classes on its class path (the simulator, HollowNodes).
 * Usage: java -cp ... ScaleBench.java KUBECONFIG SERVER_PID NODES PODS DEPLOYMENTS
 */
public class ScaleBench {
    /** How long the bench waits for all pods Running before it gives up ({@code -Dkarst.bench.limitSeconds}). */
    private static final long T_LIMIT_S = Long.getLong("karst.bench.limitSeconds", 600);

    public static void main(String[] args) throws Exception {
        Path kubeconfig = Path.of(args[0]);
        long serverPid = Long.parseLong(args[1]);
        int nodes = Integer.parseInt(args[2]);
        int pods = Integer.parseInt(args[3]);
        int deployments = Integer.parseInt(args[4]);

        ProcessSampler server = new ProcessSampler(serverPid);
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        timers.scheduleAtFixedRate(server::sample, 0, 250, TimeUnit.MILLISECONDS);

        HollowNodes hollow = new HollowNodes(client(kubeconfig));
        ConcurrentLinkedQueue<Long> simulatorWrites = new ConcurrentLinkedQueue<>();
        hollow.recordWriteTimes(simulatorWrites::add);
        long t = System.nanoTime();
        addNodes(hollow, nodes);
        System.out.printf("%d hollow nodes registered in %.1f s (server RSS %d MB, CPU %.1f s so far)%n", nodes,
                seconds(System.nanoTime() - t), server.rssMb(), server.cpuSeconds());

        PodProgress progress = new PodProgress();
        hollow.addPodHandler(progress);
        ApiClient api = client(kubeconfig);
        CoreV1Api core = new CoreV1Api(api);
        core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name("scale"))).execute();
        Thread.sleep(2000); // settle: the namespace's ServiceAccount and root CA, the nodes' IPAM writes
        ConfigMapProbe probe = new ConfigMapProbe(new CoreV1Api(client(kubeconfig)));
        timers.scheduleAtFixedRate(probe::write, 0, 100, TimeUnit.MILLISECONDS);
        simulatorWrites.clear();
        double cpuBefore = server.cpuSeconds();
        server.resetPeak();

        long t0 = System.nanoTime();
        progress.start(t0);
        Backlog backlog = new Backlog(progress);
        timers.scheduleAtFixedRate(backlog::sample, 0, 100, TimeUnit.MILLISECONDS);
        AppsV1Api apps = new AppsV1Api(api);
        for (int i = 0; i < deployments; i++) {
            int replicas = pods / deployments + (i < pods % deployments ? 1 : 0);
            apps.createNamespacedDeployment("scale", deployment("load-" + i, replicas)).execute();
        }
        long lastReport = System.nanoTime();
        while (progress.running.get() < pods) {
            Thread.sleep(100);
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                lastReport = System.nanoTime();
                System.out.printf("  %5.1f s: %d pods seen, %d bound, %d running; server RSS %d MB; last error: %s%n",
                        seconds(lastReport - t0), progress.seen.size(), progress.bound.get(),
                        progress.running.get(), server.rssMb(), hollow.lastError());
            }
            if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(T_LIMIT_S)) {
                System.out.printf("gave up after %d s: %d bound, %d running%n", T_LIMIT_S, progress.bound.get(),
                        progress.running.get());
                break;
            }
        }
        long end = System.nanoTime();
        double cpu = server.cpuSeconds() - cpuBefore;
        probe.stop();
        timers.shutdownNow();

        long allBound = progress.lastBound.get() - t0;
        System.out.printf("%n== bench/scale: %d hollow nodes, %d pods in %d Deployments ==%n", nodes, pods, deployments);
        System.out.printf("time to all pods bound       %.1f s%n", seconds(allBound));
        System.out.printf("time to all pods Running     %.1f s%n", seconds(progress.lastRunning.get() - t0));
        System.out.printf("scheduler throughput         %.0f pods/s over the run (%.0f pods/s first to last bind)%n",
                progress.bound.get() / seconds(allBound),
                progress.bound.get() / seconds(progress.lastBound.get() - progress.firstBound.get()));
        System.out.printf("scheduler with a backlog     %s%n", backlog.report());
        System.out.printf("API mutating latency, probe  %s (ConfigMap update every 100 ms, %d errors)%n",
                Percentiles.of(probe.latencies), probe.errors.get());
        System.out.printf("API mutating latency, nodes  %s (the hollow kubelets' pod status writes)%n",
                Percentiles.of(simulatorWrites));
        List<Long> all = new ArrayList<>(probe.latencies);
        all.addAll(simulatorWrites);
        System.out.printf("API mutating latency, all    %s%n", Percentiles.of(all));
        System.out.printf("server RSS peak              %d MB (at the end %d MB)%n", server.peakRssMb(), server.rssMb());
        System.out.printf("server CPU                   %.1f s during the %.1f s run (%.2f cores)%n", cpu,
                seconds(end - t0), cpu / seconds(end - t0));
        hollow.close();
        System.exit(0);
    }

    private static ApiClient client(Path kubeconfig) throws IOException {
        try (FileReader reader = new FileReader(kubeconfig.toFile())) {
            ApiClient client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(reader)).build();
            client.setReadTimeout(30_000);
            return client;
        }
    }

    /** Registers the nodes from a few threads: each is four requests in a row. */
    private static void addNodes(HollowNodes hollow, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = String.format("hollow-%04d", i);
            done.add(pool.submit(() -> {
                hollow.add(name);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    private static V1Deployment deployment(String name, int replicas) {
        Map<String, String> labels = Map.of("app", name);
        return new V1Deployment().metadata(new V1ObjectMeta().name(name)).spec(new V1DeploymentSpec()
                .replicas(replicas).selector(new V1LabelSelector().matchLabels(labels))
                .template(new V1PodTemplateSpec().metadata(new V1ObjectMeta().labels(labels))
                        .spec(new V1PodSpec().containers(List.of(new V1Container().name("c")
                                .image("registry.k8s.io/pause:3.10"))))));
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** First sightings of each pod bound and Running, from the simulator's informer. */
    static final class PodProgress implements ResourceEventHandler<V1Pod> {
        final Set<String> seen = ConcurrentHashMap.newKeySet();
        final Set<String> boundPods = ConcurrentHashMap.newKeySet();
        final Set<String> runningPods = ConcurrentHashMap.newKeySet();
        final AtomicInteger bound = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicLong firstBound = new AtomicLong();
        final AtomicLong lastBound = new AtomicLong();
        final AtomicLong lastRunning = new AtomicLong();
        private volatile boolean started;

        void start(long t0) {
            firstBound.set(0);
            started = true;
        }

        @Override
        public void onAdd(V1Pod pod) {
            look(pod);
        }

        @Override
        public void onUpdate(V1Pod old, V1Pod pod) {
            look(pod);
        }

        @Override
        public void onDelete(V1Pod pod, boolean unknown) {
        }

        private void look(V1Pod pod) {
            if (!started || !"scale".equals(pod.getMetadata().getNamespace())) {
                return;
            }
            String uid = pod.getMetadata().getUid();
            long now = System.nanoTime();
            seen.add(uid);
            if (pod.getSpec().getNodeName() != null && boundPods.add(uid)) {
                bound.incrementAndGet();
                firstBound.compareAndSet(0, now);
                lastBound.set(now);
            }
            if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase()) && runningPods.add(uid)) {
                running.incrementAndGet();
                lastRunning.set(now);
            }
        }
    }

    /**
     * The scheduler's own pace, apart from how fast pods are created: pods bound per second over the seconds whose
     * bound pods were all waiting for it (created, not bound) when the second began, with pods still waiting at
     * every 100 ms sample, so that it had work throughout. A few pods in flight between creation and binding do
     * not make a backlog: seconds in which it caught up with creation are left out, and when it always caught up
     * there is no figure (creation set the pace of the run).
     */
    static final class Backlog {
        private final PodProgress progress;
        private final List<int[]> samples = new ArrayList<>(); // {seen, bound} every 100 ms

        Backlog(PodProgress progress) {
            this.progress = progress;
        }

        synchronized void sample() {
            samples.add(new int[] {progress.seen.size(), progress.bound.get()});
        }

        synchronized String report() {
            int seconds = 0;
            long bound = 0;
            for (int start = 0; start + 10 < samples.size(); start += 10) {
                int[] first = samples.get(start);
                int inSecond = samples.get(start + 10)[1] - first[1];
                boolean waiting = inSecond > 0 && first[0] - first[1] >= inSecond;
                for (int i = start; i <= start + 10 && waiting; i++) {
                    waiting = samples.get(i)[0] - samples.get(i)[1] > 0;
                }
                if (waiting) {
                    seconds++;
                    bound += inSecond;
                }
            }
            return seconds == 0 ? "none: the scheduler kept up with pod creation throughout"
                    : String.format("%.0f pods/s over the %d s whose pods were all waiting for it at the start",
                            (double) bound / seconds, seconds);
        }
    }

    /** A mutating request every 100 ms, timed: an update of one ConfigMap, as a user's write during the run. */
    static final class ConfigMapProbe {
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        final AtomicInteger errors = new AtomicInteger();
        private final CoreV1Api core;
        private V1ConfigMap last;
        private int n;
        private volatile boolean stopped;

        ConfigMapProbe(CoreV1Api core) {
            this.core = core;
        }

        synchronized void write() {
            if (stopped) {
                return;
            }
            long start = System.nanoTime();
            try {
                if (last == null) {
                    last = core.createNamespacedConfigMap("scale", new V1ConfigMap()
                            .metadata(new V1ObjectMeta().name("probe")).data(Map.of("n", "0"))).execute();
                } else {
                    last.setData(Map.of("n", Integer.toString(++n)));
                    last = core.replaceNamespacedConfigMap("probe", "scale", last).execute();
                }
                latencies.add(System.nanoTime() - start);
            } catch (ApiException | RuntimeException e) {
                errors.incrementAndGet();
                last = null;
            }
        }

        void stop() {
            stopped = true;
        }
    }

    /** RSS and CPU time of a process from /proc. */
    static final class ProcessSampler {
        private final long pid;
        private final long ticks;
        private volatile long rssKb;
        private volatile long peakKb;

        ProcessSampler(long pid) throws Exception {
            this.pid = pid;
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            this.ticks = Long.parseLong(new String(p.getInputStream().readAllBytes()).trim());
        }

        void sample() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        peakKb = Math.max(peakKb, rssKb);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the server went: the last sample stays
            }
        }

        void resetPeak() {
            peakKb = rssKb;
        }

        long rssMb() {
            return rssKb / 1024;
        }

        long peakRssMb() {
            return peakKb / 1024;
        }

        double cpuSeconds() throws IOException {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // fields after the command name, which may hold spaces: utime and stime are the 14th and 15th fields
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) ticks;
        }
    }

    /** p50 / p99 / max in milliseconds. */
    static final class Percentiles {
        static String of(java.util.Collection<Long> nanos) {
            long[] v = nanos.stream().mapToLong(Long::longValue).toArray();
            if (v.length == 0) {
                return "no samples";
            }
            Arrays.sort(v);
            return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d requests)", at(v, 0.50), at(v, 0.99),
                    v[v.length - 1] / 1e6, v.length);
        }

        private static double at(long[] sorted, double q) {
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
        }
    }
}
