package io.karst.controllers.resourcequota;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/** Kubernetes quantities as exact decimals, and back in upstream's canonical spelling. */
public final class Quantities {
    private static final Pattern SYNTAX = Pattern.compile("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$");
    private static final Map<String, Integer> DECIMAL = Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6,
            "G", 9, "T", 12, "P", 15, "E", 18);
    private static final Map<String, Integer> BINARY = Map.of("Ki", 1, "Mi", 2, "Gi", 3, "Ti", 4, "Pi", 5, "Ei", 6);
    private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final BigInteger KI = BigInteger.valueOf(1024);

    private Quantities() {
    }

    /** The value of a quantity (string or number); null when it is not one. */
    public static BigDecimal parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        Matcher m = SYNTAX.matcher(node.asText().trim());
        if (!m.matches()) {
            return null;
        }
        BigDecimal number;
        try {
            number = new BigDecimal(m.group(1));
        } catch (NumberFormatException e) {
            return null;
        }
        String suffix = m.group(2);
        if (BINARY.containsKey(suffix)) {
            return number.multiply(new BigDecimal(KI.pow(BINARY.get(suffix))));
        }
        if (DECIMAL.containsKey(suffix)) {
            return number.scaleByPowerOfTen(DECIMAL.get(suffix));
        }
        if (suffix.matches("[eE][-+]?[0-9]+")) {
            return number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        }
        return null;
    }

    /** Whether a quantity is written with a binary suffix ({@code 1Gi}): sums of it are written the same way. */
    static boolean binary(JsonNode node) {
        return node != null && node.isTextual() && node.asText().trim().matches(".*[KMGTPE]i$");
    }

    /** Upstream's canonical text of a value, binary ({@code 1536Mi}) or decimal ({@code 500m}, {@code 2}). */
    public static String format(BigDecimal value, boolean binary) {
        BigDecimal v = value.stripTrailingZeros();
        if (v.signum() == 0) {
            return "0";
        }
        if (binary && v.scale() <= 0 && v.abs().compareTo(BigDecimal.valueOf(1024)) >= 0) {
            BigInteger i = v.toBigIntegerExact();
            int power = 0;
            while (power < 6 && i.mod(KI).signum() == 0) {
                i = i.divide(KI);
                power++;
            }
            return i + BINARY_SUFFIXES[power];
        }
        BigInteger mantissa = v.movePointRight(9).setScale(0, RoundingMode.CEILING).toBigInteger();
        int exp = -9;
        BigInteger thousand = BigInteger.valueOf(1000);
        while (exp < 18 && mantissa.mod(thousand).signum() == 0) {
            mantissa = mantissa.divide(thousand);
            exp += 3;
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
}
