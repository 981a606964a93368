package io.karst.bench.datastore;

import java.io.PrintStream;
import java.util.Map;

/**
 * The table the bench ends with: Karst through its etcd endpoint, etcd, their ratio, Karst in-process, and
 * whether Karst (through the endpoint, as kube-apiserver uses it) meets the target for that line.
 */
final class ResultTable {
    static final String KARST = "karst";
    static final String ETCD = "etcd";
    static final String IN_PROCESS = "in-process";

    private static final String ROW = "%-52s %12s %12s %11s %12s  %s%n";

    private final BenchOptions options;
    private final Map<String, Results> results;

    ResultTable(BenchOptions options, Map<String, Results> results) {
        this.options = options;
        this.results = results;
    }

    void print(PrintStream out) {
        out.printf(ROW, "metric", "Karst gRPC", "etcd", "Karst/etcd", "in-process", "target (Karst gRPC)");
        for (Metric metric : Metric.values()) {
            double karst = value(KARST, metric);
            double etcd = value(ETCD, metric);
            double inProcess = value(IN_PROCESS, metric);
            if (Double.isNaN(karst) && Double.isNaN(etcd) && Double.isNaN(inProcess)) {
                continue;
            }
            out.printf(ROW, metric.label(options), format(metric, karst), format(metric, etcd),
                    Double.isNaN(karst) || Double.isNaN(etcd) || etcd == 0 ? "-" : String.format("%.2f", karst / etcd),
                    format(metric, inProcess), target(metric, karst, etcd));
        }
        out.println("Karst/etcd above 1 is better for rates, below 1 is better for latencies, times and sizes.");
    }

    /** The targets, judged on the endpoint's numbers. */
    private String target(Metric metric, double karst, double etcd) {
        return switch (metric) {
            case CREATES_ONE, CREATES_MANY, UPDATES_ONE, UPDATES_MANY, HISTORY_RATE ->
                    verdict(karst >= etcd, ">= etcd");
            case WATCH_P99, WATCH_LOADED_P99 -> verdict(karst < 10, "< 10 ms");
            case LIST -> verdict(karst < 100, "< 100 ms");
            case LIST_AFTER_HISTORY, LIST_AFTER_COMPACTION -> {
                double before = value(KARST, Metric.LIST);
                yield verdict(karst <= 2 * before, String.format("<= 2x before (%.1fx)", karst / before));
            }
            default -> "";
        };
    }

    private static String verdict(boolean met, String target) {
        return target + (met ? "  met" : "  MISSED");
    }

    private double value(String target, Metric metric) {
        Results r = results.get(target);
        return r == null ? Double.NaN : r.get(metric);
    }

    private static String format(Metric metric, double value) {
        return Double.isNaN(value) ? "-" : String.format(metric.unit.format, value);
    }
}
