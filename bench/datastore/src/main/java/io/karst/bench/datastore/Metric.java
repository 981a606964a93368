package io.karst.bench.datastore;

/** One line of the result table. */
enum Metric {
    CREATES_ONE(Unit.RATE, "creates/s, 1 writer"),
    CREATES_MANY(Unit.RATE, "creates/s, %w writers"),
    UPDATES_ONE(Unit.RATE, "updates/s, 1 writer"),
    UPDATES_MANY(Unit.RATE, "updates/s, %w writers"),
    GET_P50(Unit.MILLIS, "get p50 (1 reader)"),
    GET_P99(Unit.MILLIS, "get p99 (1 reader)"),
    LIST(Unit.MILLIS, "list %l keys (median of runs)"),
    WATCH_P50(Unit.MILLIS, "watch put->event p50, 1 writer"),
    WATCH_P99(Unit.MILLIS, "watch put->event p99, 1 writer"),
    WATCH_LOADED_P50(Unit.MILLIS, "watch put->event p50, %w writers"),
    WATCH_LOADED_P99(Unit.MILLIS, "watch put->event p99, %w writers"),
    HISTORY_RATE(Unit.RATE, "updates/s, %u to %h keys (%w writers)"),
    HISTORY_SECONDS(Unit.SECONDS, "time for the %u updates"),
    DB_AFTER_HISTORY(Unit.MEBIBYTES, "DB file right after the %u updates"),
    DIR_AFTER_HISTORY(Unit.MEBIBYTES, "data dir right after the %u updates"),
    LIST_AFTER_HISTORY(Unit.MILLIS, "list %l keys right after the %u updates"),
    COMPACTION_CATCH_UP(Unit.SECONDS, "auto compaction caught up after"),
    DB_AFTER_COMPACTION(Unit.MEBIBYTES, "DB file after compaction caught up"),
    DB_IN_USE_AFTER_COMPACTION(Unit.MEBIBYTES, "DB in use (store's Status) after compaction"),
    DIR_AFTER_COMPACTION(Unit.MEBIBYTES, "data dir after compaction caught up"),
    LIST_AFTER_COMPACTION(Unit.MILLIS, "list %l keys after compaction caught up"),
    DB_AFTER_IDLE_ROUND(Unit.MEBIBYTES, "DB file after one more compaction interval without writes"),
    DB_AFTER_DEFRAG(Unit.MEBIBYTES, "DB file after etcdctl defrag"),
    WRITES_REFUSED(Unit.COUNT, "writes refused as unavailable (retried)");

    /** How a value is shown, and which way is better. */
    enum Unit {
        RATE("/s", "%,.0f", true),
        MILLIS("ms", "%.2f", false),
        SECONDS("s", "%.0f", false),
        MEBIBYTES("MiB", "%.1f", false),
        COUNT("count", "%.0f", false);

        final String symbol;
        final String format;
        final boolean higherIsBetter;

        Unit(String symbol, String format, boolean higherIsBetter) {
            this.symbol = symbol;
            this.format = format;
            this.higherIsBetter = higherIsBetter;
        }
    }

    final Unit unit;
    private final String label;

    Metric(Unit unit, String label) {
        this.unit = unit;
        this.label = label;
    }

    /** The label with the run's counts: %w writers, %l listed keys, %u updates, %h updated keys. */
    String label(BenchOptions options) {
        return label.replace("%w", Integer.toString(options.writers()))
                .replace("%l", String.format("%,d", options.listKeys()))
                .replace("%u", String.format("%,d", options.updates()))
                .replace("%h", String.format("%,d", options.hotKeys()))
                + " (" + unit.symbol + ")";
    }
}
