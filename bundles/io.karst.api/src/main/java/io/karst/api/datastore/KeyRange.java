package io.karst.api.datastore;

import java.util.Objects;

/**
 * The keys {@code start <= key < end}, ordered as etcd orders them: by UTF-8 bytes, which is Unicode code point
 * order. A prefix becomes such a range whose end is the smallest string after every key with that prefix.
 *
 * @param start the first key in the range, inclusive; {@code ""} for the beginning of the key space
 * @param end the key after the range, exclusive; {@code null} for the end of the key space
 */
public record KeyRange(String start, String end) {

    public KeyRange {
        Objects.requireNonNull(start, "start");
        if (end != null && compare(start, end) > 0) {
            throw new InvalidRequestException("range start " + start + " is after its end " + end);
        }
    }

    /** Every key that starts with {@code prefix}; {@code ""} is the whole key space. */
    public static KeyRange prefix(String prefix) {
        return new KeyRange(prefix, successorOfPrefix(prefix));
    }

    /** The keys from {@code start} (inclusive) to {@code end} (exclusive). */
    public static KeyRange between(String start, String end) {
        return new KeyRange(start, Objects.requireNonNull(end, "end"));
    }

    /** Every key from {@code start} on. */
    public static KeyRange from(String start) {
        return new KeyRange(start, null);
    }

    public boolean contains(String key) {
        return compare(key, start) >= 0 && (end == null || compare(key, end) < 0);
    }

    /** Orders two keys by code point, which is the order of their UTF-8 bytes (unlike {@link String#compareTo}). */
    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /**
     * The prefix with its last code point incremented: every key with the prefix sorts below it and every other
     * key above the prefix sorts at or above it. Surrogates are skipped so the result stays valid UTF-8, and a
     * trailing U+10FFFF is dropped (it cannot be incremented). {@code null} when nothing is left: no upper bound.
     */
    private static String successorOfPrefix(String prefix) {
        String rest = prefix;
        while (!rest.isEmpty()) {
            int last = rest.codePointBefore(rest.length());
            rest = rest.substring(0, rest.length() - Character.charCount(last));
            if (last < Character.MAX_CODE_POINT) {
                int next = last + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : last + 1;
                return rest + Character.toString(next);
            }
        }
        return null;
    }
}
