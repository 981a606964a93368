package io.karst.api.datastore;

import java.util.List;

/**
 * One page of a range read.
 *
 * @param kvs the live keys of the page in key order, each at its latest revision not after {@code revision}
 * @param revision the store revision the read was served at; pass it to the next page's read so every page
 *        sees the same snapshot, however many writes happen in between
 * @param more whether keys after the page remain in the range at that revision
 */
public record RangeResult(List<KeyValue> kvs, long revision, boolean more) {

    public RangeResult {
        kvs = List.copyOf(kvs);
    }

    /**
     * The key to pass as {@code continueFrom} for the next page: the smallest key after this page's last one
     * (kube-apiserver's {@code lastKey + "\x00"}); {@code null} when no more pages remain.
     */
    public String continueKey() {
        return more && !kvs.isEmpty() ? kvs.get(kvs.size() - 1).key() + '\0' : null;
    }
}
