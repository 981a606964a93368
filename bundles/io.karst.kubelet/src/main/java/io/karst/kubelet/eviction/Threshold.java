package io.karst.kubelet.eviction;

/**
 * One hard eviction threshold: the signal is crossed when what is available falls below {@code quantity}, or below
 * {@code percentage} of the capacity when the threshold was given in percent (then {@code quantity} is -1).
 */
public record Threshold(Signal signal, long quantity, double percentage) {

    /** The amount below which the signal is crossed, for a capacity. */
    public long minimum(long capacity) {
        return quantity >= 0 ? quantity : (long) (capacity * percentage);
    }

    public boolean crossedBy(Observation observed) {
        return observed.available() < minimum(observed.capacity());
    }

    @Override
    public String toString() {
        return signal.key() + "<" + (quantity >= 0 ? Quantity.format(quantity)
                : stripZero(percentage * 100) + "%");
    }

    private static String stripZero(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
