package io.karst.bench.datastore;

import java.util.EnumMap;
import java.util.Map;

/** The measured values of one target; a metric never measured (e.g. defrag on SQLite) reads as NaN. */
final class Results {
    private final Map<Metric, Double> values = new EnumMap<>(Metric.class);

    void put(Metric metric, double value) {
        values.put(metric, value);
    }

    double get(Metric metric) {
        return values.getOrDefault(metric, Double.NaN);
    }
}
