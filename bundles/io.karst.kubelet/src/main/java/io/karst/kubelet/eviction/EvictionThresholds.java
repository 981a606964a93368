package io.karst.kubelet.eviction;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.karst.kubelet.pod.Quantities;

/**
 * The hard eviction thresholds, written as upstream's {@code --eviction-hard}: {@code signal<value} statements
 * separated by commas, a value being a quantity ({@code 100Mi}) or a percentage of the capacity ({@code 10%}).
 * As upstream, {@code 0%} and {@code 100%} turn a signal's threshold off, and a configured list replaces the
 * defaults rather than adding to them.
 */
public record EvictionThresholds(List<Threshold> thresholds) {
    /** Upstream's Linux defaults (pkg/kubelet/apis/config/v1beta1/defaults_linux.go); pid.available has none. */
    public static final String DEFAULT_TEXT = "memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%,"
            + "imagefs.available<15%";
    public static final EvictionThresholds DEFAULT = parse(DEFAULT_TEXT);
    public static final EvictionThresholds NONE = new EvictionThresholds(List.of());

    public EvictionThresholds {
        thresholds = List.copyOf(thresholds);
    }

    /**
     * Parses {@code eviction.hard}; blank means no thresholds.
     *
     * @throws IllegalArgumentException naming the statement that is wrong and why
     */
    public static EvictionThresholds parse(String text) {
        List<Threshold> parsed = new ArrayList<>();
        Set<Signal> seen = EnumSet.noneOf(Signal.class);
        if (text == null || text.isBlank()) {
            return NONE;
        }
        for (String statement : text.split(",")) {
            String s = statement.trim();
            if (s.isEmpty()) {
                continue;
            }
            int lt = s.indexOf('<');
            if (lt <= 0 || lt == s.length() - 1) {
                throw new IllegalArgumentException("invalid eviction.hard statement \"" + s
                        + "\": expected signal<value, e.g. memory.available<100Mi");
            }
            String key = s.substring(0, lt).trim();
            String value = s.substring(lt + 1).trim();
            Signal signal = Signal.byKey(key).orElseThrow(() -> new IllegalArgumentException(
                    "unsupported eviction signal " + key + " in eviction.hard (supported: "
                            + EnumSet.allOf(Signal.class).stream().map(Signal::key).collect(Collectors.joining(", "))
                            + ")"));
            if (!seen.add(signal)) {
                throw new IllegalArgumentException("found duplicate eviction threshold for signal " + key);
            }
            Threshold threshold = threshold(signal, value);
            if (threshold != null) {
                parsed.add(threshold);
            }
        }
        return new EvictionThresholds(parsed);
    }

    private static Threshold threshold(Signal signal, String value) {
        if (value.endsWith("%")) {
            if (value.equals("0%") || value.equals("100%")) {
                return null;
            }
            double percentage;
            try {
                percentage = Double.parseDouble(value.substring(0, value.length() - 1)) / 100;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid eviction percentage threshold " + signal.key() + ": "
                        + value);
            }
            if (percentage < 0 || Double.isNaN(percentage)) {
                throw new IllegalArgumentException("eviction percentage threshold " + signal.key()
                        + " must be >= 0%: " + value);
            }
            if (percentage > 1) {
                throw new IllegalArgumentException("eviction percentage threshold " + signal.key()
                        + " must be <= 100%: " + value);
            }
            return new Threshold(signal, -1, percentage);
        }
        long quantity;
        try {
            quantity = Quantities.value(value);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("invalid eviction threshold " + signal.key() + ": \"" + value
                    + "\" is neither a quantity nor a percentage");
        }
        if (quantity <= 0) {
            throw new IllegalArgumentException("eviction threshold " + signal.key() + " must be positive: " + value);
        }
        return new Threshold(signal, quantity, 0);
    }

    @Override
    public String toString() {
        return thresholds.stream().map(Threshold::toString).collect(Collectors.joining(","));
    }
}
