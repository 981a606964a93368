package io.karst.etcdserver.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.karst.api.datastore.InvalidRequestException;
import io.karst.api.datastore.KeyRange;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.RangeResult;
import io.karst.etcdserver.internal.etcdserverpb.RangeRequest;
import io.karst.etcdserver.internal.etcdserverpb.RangeResponse;

/** etcd's Range over the store: single keys, ranges and prefixes, at a revision, with limit, sort and filters. */
final class RangeReader {
    private final KeyValueStore store;

    RangeReader(KeyValueStore store) {
        this.store = store;
    }

    RangeResponse range(RangeRequest request) {
        KeySelection selection = KeySelection.of(request.getKey(), request.getRangeEnd());
        long revision = Math.max(0, request.getRevision());
        if (request.getLimit() < 0) {
            throw EtcdErrors.toStatus(new InvalidRequestException("limit must not be negative"));
        }
        int limit = (int) Math.min(request.getLimit(), Integer.MAX_VALUE);
        if (selection.single()) {
            return single(selection.key(), revision, request);
        }
        boolean storeOrder = storeOrder(request) && !filtered(request);
        // The store pages in key order; any other order or a filter needs the whole range before the limit.
        RangeResult result = store.range(selection.range(), revision, storeOrder ? limit : 0, null);
        List<KeyValue> kvs = new ArrayList<>(result.kvs());
        if (filtered(request)) {
            kvs.removeIf(kv -> !matchesFilters(kv, request));
        }
        if (!storeOrder) {
            kvs.sort(order(request));
        }
        long count;
        boolean more;
        if (storeOrder) {
            more = result.more();
            count = more ? count(selection.range(), result) : kvs.size();
        } else {
            count = kvs.size();
            more = limit > 0 && kvs.size() > limit;
            if (more) {
                kvs = kvs.subList(0, limit);
            }
        }
        RangeResponse.Builder response = RangeResponse.newBuilder()
                .setHeader(ResponseHeaders.at(result.revision()))
                .setCount(count)
                .setMore(more && !request.getCountOnly());
        if (!request.getCountOnly()) {
            kvs.forEach(kv -> response.addKvs(ProtoKeyValues.of(kv, request.getKeysOnly())));
        }
        return response.build();
    }

    private RangeResponse single(String key, long revision, RangeRequest request) {
        // read the revision first: a key read at "now" must not be newer than the header says
        long at = revision > 0 ? revision : store.currentRevision();
        Optional<KeyValue> kv = store.get(key, at).filter(found -> matchesFilters(found, request));
        RangeResponse.Builder response = RangeResponse.newBuilder()
                .setHeader(ResponseHeaders.at(at))
                .setCount(kv.isPresent() ? 1 : 0);
        if (!request.getCountOnly()) {
            kv.ifPresent(found -> response.addKvs(ProtoKeyValues.of(found, request.getKeysOnly())));
        }
        return response.build();
    }

    /**
     * The number of keys in the whole range when a page has more after it. The store counts a prefix at the
     * current revision in SQL; any other range or an older revision is counted by reading it at the page's
     * revision, which is slower but exact.
     */
    private long count(KeyRange range, RangeResult page) {
        KeyRange prefixRange = KeyRange.prefix(range.start());
        if (prefixRange.equals(range) && page.revision() == store.currentRevision()) {
            return store.count(range.start());
        }
        long counted = page.kvs().size();
        String next = page.continueKey();
        while (next != null) {
            RangeResult rest = store.range(range, page.revision(), 10_000, next);
            counted += rest.kvs().size();
            next = rest.continueKey();
        }
        return counted;
    }

    private static boolean storeOrder(RangeRequest request) {
        // etcd sorts ascending by the target when only the target is given
        return request.getSortTarget() == RangeRequest.SortTarget.KEY
                && request.getSortOrder() != RangeRequest.SortOrder.DESCEND;
    }

    private static boolean filtered(RangeRequest request) {
        return request.getMinModRevision() > 0 || request.getMaxModRevision() > 0
                || request.getMinCreateRevision() > 0 || request.getMaxCreateRevision() > 0;
    }

    private static boolean matchesFilters(KeyValue kv, RangeRequest request) {
        return (request.getMinModRevision() <= 0 || kv.modRevision() >= request.getMinModRevision())
                && (request.getMaxModRevision() <= 0 || kv.modRevision() <= request.getMaxModRevision())
                && (request.getMinCreateRevision() <= 0 || kv.createRevision() >= request.getMinCreateRevision())
                && (request.getMaxCreateRevision() <= 0 || kv.createRevision() <= request.getMaxCreateRevision());
    }

    private static Comparator<KeyValue> order(RangeRequest request) {
        Comparator<KeyValue> byKey = (a, b) -> KeyRange.compare(a.key(), b.key());
        Comparator<KeyValue> target = switch (request.getSortTarget()) {
            case VERSION -> Comparator.comparingLong(KeyValue::version);
            case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
            case MOD -> Comparator.comparingLong(KeyValue::modRevision);
            case VALUE -> (a, b) -> Arrays.compareUnsigned(a.value(), b.value());
            default -> byKey;
        };
        // a target without an order sorts ascending, as etcd does
        return request.getSortOrder() == RangeRequest.SortOrder.DESCEND ? target.reversed() : target;
    }
}
