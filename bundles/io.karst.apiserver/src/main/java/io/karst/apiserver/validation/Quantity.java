package io.karst.apiserver.validation;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resource quantity ({@code 500m}, {@code 1Gi}, {@code 2}) with upstream's parsing, comparison and canonical
 * text. Upstream stores the canonical text, so {@code 0.5} comes back as {@code 500m} and {@code 1024Mi} as
 * {@code 1Gi}; values are rounded up to milli precision as defaulting does.
 */
public final class Quantity implements Comparable<Quantity> {
    /** The error text upstream gives for a malformed quantity. */
    public static final String FORMAT_ERROR =
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    private static final Pattern SYNTAX = Pattern.compile("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$");
    private static final Map<String, Integer> DECIMAL_EXPONENTS = Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3,
            "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
    private static final Map<String, Integer> BINARY_POWERS = Map.of("Ki", 1, "Mi", 2, "Gi", 3, "Ti", 4, "Pi", 5,
            "Ei", 6);
    private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final BigInteger KI = BigInteger.valueOf(1024);

    private enum Format { DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT }

    private final BigDecimal value;
    private final Format format;

    private Quantity(BigDecimal value, Format format) {
        this.value = value;
        this.format = format;
    }

    /** Parses a quantity; throws IllegalArgumentException with upstream's message when malformed. */
    public static Quantity parse(String text) {
        Matcher m = SYNTAX.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(FORMAT_ERROR);
        }
        BigDecimal number;
        try {
            number = new BigDecimal(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(FORMAT_ERROR);
        }
        String suffix = m.group(2);
        BigDecimal v;
        Format f;
        if (BINARY_POWERS.containsKey(suffix)) {
            v = number.multiply(new BigDecimal(KI.pow(BINARY_POWERS.get(suffix))));
            f = Format.BINARY_SI;
        } else if (DECIMAL_EXPONENTS.containsKey(suffix)) {
            v = number.scaleByPowerOfTen(DECIMAL_EXPONENTS.get(suffix));
            f = Format.DECIMAL_SI;
        } else if (suffix.matches("[eE][-+]?[0-9]+")) {
            v = number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
            f = Format.DECIMAL_EXPONENT;
        } else {
            throw new IllegalArgumentException(FORMAT_ERROR);
        }
        return new Quantity(v, f);
    }

    /** Parses a JSON quantity (string or number); null when malformed. */
    public static Quantity tryParse(com.fasterxml.jackson.databind.JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return parse(node.isNumber() ? node.decimalValue().toPlainString() : node.asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The sum, in this quantity's format (as upstream's {@code Add}). */
    public Quantity plus(Quantity other) {
        return new Quantity(value.add(other.value), format);
    }

    public int signum() {
        return value.signum();
    }

    /** The value in milli-units, rounded up. */
    public BigInteger milliValue() {
        return value.movePointRight(3).setScale(0, RoundingMode.CEILING).toBigIntegerExact();
    }

    public boolean isWholeNumber() {
        return value.stripTrailingZeros().scale() <= 0;
    }

    @Override
    public int compareTo(Quantity o) {
        return value.compareTo(o.value);
    }

    /** The quantity rounded up to milli precision, as defaulting stores it. */
    public Quantity roundedToMilli() {
        return new Quantity(value.setScale(3, RoundingMode.CEILING).stripTrailingZeros(), format);
    }

    /** Upstream's canonical text. */
    @Override
    public String toString() {
        BigDecimal v = value.setScale(Math.max(value.scale(), 0), RoundingMode.UNNECESSARY).stripTrailingZeros();
        if (v.signum() == 0) {
            return "0";
        }
        if (format == Format.BINARY_SI && v.abs().compareTo(BigDecimal.valueOf(1024)) >= 0 && v.scale() <= 0) {
            BigInteger i = v.toBigIntegerExact();
            int power = 0;
            while (power < 6 && i.mod(KI).signum() == 0) {
                i = i.divide(KI);
                power++;
            }
            return i + BINARY_SUFFIXES[power];
        }
        // Largest exponent, a multiple of three, that still leaves a whole mantissa.
        int exp = -9;
        BigDecimal scaled = v.movePointRight(9).setScale(0, RoundingMode.CEILING);
        BigInteger mantissa = scaled.toBigInteger();
        BigInteger thousand = BigInteger.valueOf(1000);
        while (exp < 18 && mantissa.mod(thousand).signum() == 0) {
            mantissa = mantissa.divide(thousand);
            exp += 3;
        }
        if (format == Format.DECIMAL_EXPONENT) {
            return exp == 0 ? mantissa.toString() : mantissa + "e" + exp;
        }
        String suffix = switch (exp) {
            case -9 -> "n";
            case -6 -> "u";
            case -3 -> "m";
            case 0 -> "";
            case 3 -> "k";
            case 6 -> "M";
            case 9 -> "G";
            case 12 -> "T";
            case 15 -> "P";
            default -> "E";
        };
        return mantissa + suffix;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantity q && q.value.compareTo(value) == 0;
    }

    @Override
    public int hashCode() {
        return value.stripTrailingZeros().hashCode();
    }
}
