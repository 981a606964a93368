package io.karst.apiserver.selection;

import java.util.List;

/**
 * Renders values and parses integers the way the Go standard library does, because upstream error messages
 * embed Go's {@code %q} quoting, {@code %#v} slices and {@code strconv} errors verbatim and clients see them.
 */
final class GoFormat {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoFormat() {
    }

    /** Go's {@code strconv.Quote}: printable runes kept, everything else escaped. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case 0x07 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x0b -> out.append("\\v");
                default -> {
                    if (isPrint(cp)) {
                        out.appendCodePoint(cp);
                    } else if (cp < 0x80) {
                        out.append("\\x").append(HEX[cp >> 4]).append(HEX[cp & 0xf]);
                    } else if (cp < 0x10000) {
                        out.append("\\u").append(hex(cp, 4));
                    } else {
                        out.append("\\U").append(hex(cp, 8));
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** Go's {@code %#v} of a {@code []string}; {@code null} is the nil slice. */
    static String stringSlice(List<String> values) {
        if (values == null) {
            return "[]string(nil)";
        }
        StringBuilder out = new StringBuilder("[]string{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(quote(values.get(i)));
        }
        return out.append('}').toString();
    }

    /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    private static boolean isPrint(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    private static String hex(int value, int digits) {
        char[] out = new char[digits];
        for (int i = digits - 1; i >= 0; i--) {
            out[i] = HEX[value & 0xf];
            value >>>= 4;
        }
        return new String(out);
    }

    /** The outcome of a Go integer parse: a value, or the exact {@code strconv} error text. */
    record ParsedInt(long value, String error) {
        boolean ok() {
            return error == null;
        }
    }

    /**
     * Go's {@code strconv.ParseInt(s, 10, 64)}: an optional sign and ASCII digits only (Java's parser would also take
     * other scripts' digits), with Go's distinction between a syntax error and a value out of range.
     */
    static ParsedInt parseInt64(String s) {
        String body = s;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            negative = s.charAt(0) == '-';
            body = s.substring(1);
        }
        UnsignedResult magnitude = parseUnsigned(body);
        if (magnitude.syntaxError) {
            return new ParsedInt(0, "strconv.ParseInt: parsing " + quote(s) + ": invalid syntax");
        }
        // 2^63 fits only when negative; anything larger (or any overflow while scanning) is out of range.
        boolean fits = !magnitude.overflow
                && (Long.compareUnsigned(magnitude.value, Long.MIN_VALUE) < 0
                || negative && magnitude.value == Long.MIN_VALUE);
        if (!fits) {
            return new ParsedInt(0, "strconv.ParseInt: parsing " + quote(s) + ": value out of range");
        }
        return new ParsedInt(negative ? -magnitude.value : magnitude.value, null);
    }

    /** Go's {@code strconv.ParseUint(s, 10, 64)}: no sign allowed. */
    static ParsedInt parseUint64(String s) {
        UnsignedResult magnitude = parseUnsigned(s);
        if (magnitude.syntaxError) {
            return new ParsedInt(0, "strconv.ParseUint: parsing " + quote(s) + ": invalid syntax");
        }
        if (magnitude.overflow) {
            return new ParsedInt(0, "strconv.ParseUint: parsing " + quote(s) + ": value out of range");
        }
        return new ParsedInt(magnitude.value, null);
    }

    private record UnsignedResult(long value, boolean syntaxError, boolean overflow) {
    }

    /** Scans like Go: an overflow is reported as soon as it happens, even if a bad character follows. */
    private static UnsignedResult parseUnsigned(String s) {
        if (s.isEmpty()) {
            return new UnsignedResult(0, true, false);
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return new UnsignedResult(0, true, false);
            }
            int d = c - '0';
            if (Long.compareUnsigned(n, Long.divideUnsigned(-1L, 10) + 1) >= 0) {
                return new UnsignedResult(-1L, false, true);
            }
            long next = n * 10 + d;
            if (Long.compareUnsigned(next, n * 10) < 0) {
                return new UnsignedResult(-1L, false, true);
            }
            n = next;
        }
        return new UnsignedResult(n, false, false);
    }
}
