package io.karst.bench.datastore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.karst.datastore.CompactionPolicy;

/**
 * The datastore bench: the same measurements on Karst's etcd endpoint, on etcd, and on Karst's store in-process,
 * then one table. The short phases run on each target in turn, phase by phase, so a change in the machine's
 * background load (other builds on a 2-core machine) hits every target about equally; the long run of updates
 * and the wait for compaction after it run on one target at a time. bench/datastore/run starts the servers and
 * passes their addresses; see {@link BenchOptions} for the rest.
 */
public final class DatastoreBench {

    /** One phase of {@link TargetRun}, run on every target before the next phase starts. */
    @FunctionalInterface
    private interface Phase {
        void run(TargetRun target) throws Exception;
    }

    private static final List<Phase> SHORT_PHASES = List.of(TargetRun::warmUp, TargetRun::createsOneWriter,
            TargetRun::createsManyWriters, TargetRun::list, TargetRun::gets, TargetRun::updatesOneWriter,
            TargetRun::updatesManyWriters, TargetRun::watchOneWriter, TargetRun::watchManyWriters);

    private DatastoreBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        long started = System.nanoTime();
        String loadBefore = loadAverage();
        List<BenchTarget> targets = new ArrayList<>();
        Map<String, TargetRun> runs = new LinkedHashMap<>();
        try {
            if (options.karst() != null) {
                BenchTarget karst = add(targets, new RetryingTarget(ResultTable.KARST,
                        new EtcdClientTarget(options.karst(), null)));
                runs.put(ResultTable.KARST, new TargetRun(ResultTable.KARST, karst,
                        DiskFootprint.karst(options.karstData()), options));
            }
            if (options.etcd() != null) {
                BenchTarget etcd = add(targets, new RetryingTarget(ResultTable.ETCD,
                        new EtcdClientTarget(options.etcd(), options.etcdctl())));
                runs.put(ResultTable.ETCD, new TargetRun(ResultTable.ETCD, etcd,
                        DiskFootprint.etcd(options.etcdData()), options));
            }
            if (options.inProcessData() != null) {
                BenchTarget inProcess = add(targets, new RetryingTarget(ResultTable.IN_PROCESS,
                        new InProcessTarget(options.inProcessData(),
                                compactionPolicy(options.compactionWindow().toSeconds()))));
                runs.put(ResultTable.IN_PROCESS, new TargetRun(ResultTable.IN_PROCESS, inProcess,
                        DiskFootprint.karst(options.inProcessData()), options));
            }
            for (Phase phase : SHORT_PHASES) {
                for (TargetRun run : runs.values()) {
                    phase.run(run);
                }
            }
            for (TargetRun run : runs.values()) {
                run.history();
            }
            runs.values().forEach(TargetRun::refusedWrites);
        } finally {
            targets.forEach(BenchTarget::close);
        }
        Map<String, Results> results = new LinkedHashMap<>();
        runs.forEach((name, run) -> results.put(name, run.results()));
        System.out.println();
        if (!options.description().isEmpty()) {
            System.out.println(options.description());
        }
        System.out.println("Load average (1, 5, 15 min) at the start: " + loadBefore + "; at the end: "
                + loadAverage() + ". Above 2 on this machine means something else competed for the cores.");
        new ResultTable(options, results).print(System.out);
        System.out.printf("bench ran %.0f s%n", (System.nanoTime() - started) / 1e9);
    }

    /**
     * The product's automatic compaction with the window shortened to the bench's: every window, keep the
     * window's history or 1000 revisions, whichever is more. With 300 s it is the product's default.
     */
    static CompactionPolicy compactionPolicy(long windowSeconds) {
        Duration window = Duration.ofSeconds(windowSeconds);
        return new CompactionPolicy(window, window, 1000);
    }

    private static BenchTarget add(List<BenchTarget> targets, BenchTarget target) {
        targets.add(target);
        return target;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
