package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders bad values the way upstream's error text shows them. Upstream formats with Go's fmt verbs: strings
 * quoted ({@code %q}), numbers and booleans plain ({@code %v}), anything else in Go syntax ({@code %#v}).
 * Go-syntax renderings of structs are built by the validators as {@link Literal}s.
 */
public final class GoValues {
    /** A value already written in Go syntax; printed verbatim. */
    public record Literal(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** Marker for errors that print no value at all (upstream's {@code field.OmitValueType}). */
    public static final Object OMIT = new Object() {
        @Override
        public String toString() {
            return "<omitted>";
        }
    };

    private GoValues() {
    }

    /** The text upstream prints for a bad value. */
    public static String format(Object value) {
        if (value == null) {
            // Upstream turns a nil value into the string "null" and then quotes it.
            return quote("null");
        }
        if (value instanceof String s) {
            return quote(s);
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof Literal) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> m) {
            return stringMap(m);
        }
        if (value instanceof Collection<?> c) {
            return stringSlice(c);
        }
        return value.toString();
    }

    /** {@code map[string]string{"a":"b", "c":"d"}} with keys sorted, as Go's fmt prints maps. */
    public static String stringMap(Map<?, ?> map) {
        if (map == null) {
            return "map[string]string(nil)";
        }
        List<String> parts = new ArrayList<>();
        new TreeMap<>(stringKeys(map)).forEach((k, v) -> parts.add(quote(k) + ":" + quote(v)));
        return "map[string]string{" + String.join(", ", parts) + "}";
    }

    /** {@code []string{"a", "b"}}. */
    public static String stringSlice(Collection<?> values) {
        if (values == null) {
            return "[]string(nil)";
        }
        List<String> parts = new ArrayList<>();
        for (Object v : values) {
            parts.add(quote(String.valueOf(v)));
        }
        return "[]string{" + String.join(", ", parts) + "}";
    }

    private static Map<String, String> stringKeys(Map<?, ?> map) {
        Map<String, String> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }

    /** Go's {@code strconv.Quote}: double quotes, backslash escapes, non-printable runes escaped. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case 0x07 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0x0b -> sb.append("\\v");
                default -> {
                    if (isPrint(cp)) {
                        sb.appendCodePoint(cp);
                    } else if (cp < ' ' || cp == 0x7f) {
                        sb.append(String.format("\\x%02x", cp));
                    } else if (cp < 0x10000) {
                        sb.append(String.format("\\u%04x", cp));
                    } else {
                        sb.append(String.format("\\U%08x", cp));
                    }
                }
            }
        });
        return sb.append('"').toString();
    }

    private static boolean isPrint(int cp) {
        if (cp == ' ') {
            return true;
        }
        int type = Character.getType(cp);
        return switch (type) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
