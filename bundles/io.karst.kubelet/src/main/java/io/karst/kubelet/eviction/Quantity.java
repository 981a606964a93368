package io.karst.kubelet.eviction;

/** Byte and count amounts written as upstream's resource.Quantity prints binary ones: {@code 100Mi}, {@code 0}. */
final class Quantity {
    private static final String[] SUFFIXES = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private Quantity() {
    }

    /** The largest binary suffix that keeps the value exact; a value no suffix divides is written as a number. */
    static String format(long value) {
        if (value == 0) {
            return "0";
        }
        long v = value;
        int suffix = -1;
        while (suffix < SUFFIXES.length - 1 && v % 1024 == 0) {
            v /= 1024;
            suffix++;
        }
        return suffix < 0 ? Long.toString(value) : v + SUFFIXES[suffix];
    }
}
