package io.karst.etcdserver.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.google.protobuf.ByteString;

import io.karst.api.datastore.KeyRange;

/**
 * What an etcd request's {@code key} and {@code range_end} select: one key, or a {@link KeyRange}. etcd encodes
 * both in bytes (no range_end: one key; {@code "\0"}: every key from {@code key} on; the key with its last byte
 * incremented: the prefix); the store takes strings, so the prefix form is recognised and handed over as
 * {@link KeyRange#prefix}, which orders beyond ASCII exactly as the byte form does.
 *
 * @param key the single key, or the range's start
 * @param range the range, {@code null} for a single key
 */
record KeySelection(String key, KeyRange range) {
    private static final ByteString NUL = ByteString.copyFrom(new byte[] {0});

    static KeySelection of(ByteString key, ByteString rangeEnd) {
        if (key.isEmpty() && rangeEnd.isEmpty()) {
            throw EtcdErrors.emptyKey();
        }
        String start = key.equals(NUL) ? "" : key.toStringUtf8();
        if (rangeEnd.isEmpty()) {
            return new KeySelection(start, null);
        }
        if (rangeEnd.equals(NUL)) {
            return new KeySelection(start, KeyRange.from(start));
        }
        if (rangeEnd.equals(prefixEnd(key))) {
            return new KeySelection(start, KeyRange.prefix(start));
        }
        String end = rangeEnd.toStringUtf8();
        // etcd answers an inverted range with nothing rather than an error
        return new KeySelection(start, KeyRange.compare(end, start) <= 0 ? KeyRange.between(start, start)
                : KeyRange.between(start, end));
    }

    boolean single() {
        return range == null;
    }

    /** The range to list; a single key becomes the range holding only it. */
    KeyRange asRange() {
        return single() ? KeyRange.between(key, key + '\0') : range;
    }

    /** etcd's GetPrefixRangeEnd: the last byte below 0xff incremented, the bytes after it dropped. */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] bytes = prefix.toByteArray();
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(bytes, i + 1);
                end[i]++;
                return ByteString.copyFrom(end);
            }
        }
        return NUL;
    }

    static ByteString bytes(String key) {
        return ByteString.copyFrom(key, StandardCharsets.UTF_8);
    }
}
