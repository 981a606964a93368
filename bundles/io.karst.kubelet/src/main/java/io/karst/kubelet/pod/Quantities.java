package io.karst.kubelet.pod;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Kubernetes resource quantities ({@code 500m}, {@code 2}, {@code 64Mi}, {@code 1e3}) as numbers. */
public final class Quantities {
    private Quantities() {
    }

    /** CPU in millicores, rounded up. */
    public static long milliCpu(String quantity) {
        return parse(quantity).multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** A quantity in base units (bytes), rounded up. */
    public static long value(String quantity) {
        return parse(quantity).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    static BigDecimal parse(String text) {
        String q = text.trim();
        String[] binary = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
        for (int i = 0; i < binary.length; i++) {
            if (q.endsWith(binary[i])) {
                return new BigDecimal(q.substring(0, q.length() - 2)).multiply(BigDecimal.valueOf(1024).pow(i + 1));
            }
        }
        String decimal = "num kMGTPE";
        char last = q.isEmpty() ? ' ' : q.charAt(q.length() - 1);
        int at = Character.isLetter(last) ? decimal.indexOf(last) : -1;
        if (at >= 0 && at != 3) {
            return new BigDecimal(q.substring(0, q.length() - 1)).scaleByPowerOfTen(at <= 2 ? -9 + 3 * at
                    : 3 * (at - 3));
        }
        return new BigDecimal(q);
    }
}
