package io.karst.bench.datastore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The bench's command line: which targets to drive and how much load. Every count has the default the issue
 * asks for; the script passes the endpoints and directories it started.
 *
 * @param karst host:port of Karst's etcd endpoint, {@code null} to skip it
 * @param karstData its data directory (for the file sizes)
 * @param etcd host:port of etcd, {@code null} to skip it
 * @param etcdData its data directory
 * @param etcdctl the etcdctl that defragments etcd
 * @param inProcessData where the in-process store is opened, {@code null} to skip it
 * @param compactionWindow history kept by automatic compaction, on every target alike
 * @param updates the long run of updates whose history compaction must keep in check
 * @param hotKeys the keys those updates go to, spread through the listed keys
 * @param listKeys the keys created by the concurrent writers and listed
 * @param writers the concurrent writers
 * @param singleWriterOps creates, then updates, by the single writer
 * @param concurrentUpdates updates by the concurrent writers
 * @param gets single-key reads timed one by one
 * @param watchUpdates updates timed from response to watch event, by one writer; ten times as many by many
 * @param listRuns timed lists per measurement, the median reported
 * @param description free text for the header (versions, machine)
 */
record BenchOptions(String karst, Path karstData, String etcd, Path etcdData, String etcdctl, Path inProcessData,
        Duration compactionWindow, long updates, int hotKeys, int listKeys, int writers, int singleWriterOps,
        int concurrentUpdates, int gets, int watchUpdates, int listRuns, String description) {

    private static final Set<String> NAMES = Set.of("karst", "karst-data", "etcd", "etcd-data", "etcdctl",
            "in-process-data", "compaction-window-seconds", "updates", "hot-keys", "list-keys", "writers",
            "single-writer-ops", "concurrent-updates", "gets", "watch-updates", "list-runs", "description");

    static BenchOptions parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !NAMES.contains(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete option " + args[i] + "; options: --"
                        + String.join(" --", NAMES));
            }
            given.put(name, args[++i]);
        }
        BenchOptions options = new BenchOptions(given.get("karst"), path(given.get("karst-data")), given.get("etcd"),
                path(given.get("etcd-data")), given.getOrDefault("etcdctl", "etcdctl"),
                path(given.get("in-process-data")),
                Duration.ofSeconds(Long.parseLong(given.getOrDefault("compaction-window-seconds", "60"))),
                Long.parseLong(given.getOrDefault("updates", "1000000")),
                Integer.parseInt(given.getOrDefault("hot-keys", "1000")),
                Integer.parseInt(given.getOrDefault("list-keys", "10000")),
                Integer.parseInt(given.getOrDefault("writers", "64")),
                Integer.parseInt(given.getOrDefault("single-writer-ops", "5000")),
                Integer.parseInt(given.getOrDefault("concurrent-updates", "20000")),
                Integer.parseInt(given.getOrDefault("gets", "5000")),
                Integer.parseInt(given.getOrDefault("watch-updates", "1000")),
                Integer.parseInt(given.getOrDefault("list-runs", "5")),
                given.getOrDefault("description", ""));
        if ((options.karst != null && options.karstData == null) || (options.etcd != null && options.etcdData == null)) {
            throw new IllegalArgumentException("--karst and --etcd need --karst-data and --etcd-data");
        }
        if (options.hotKeys > options.listKeys || options.listKeys % options.hotKeys != 0) {
            throw new IllegalArgumentException("--hot-keys must divide --list-keys");
        }
        return options;
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }
}
