package io.karst.etcdserver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.protobuf.ByteString;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.karst.etcdserver.internal.etcdserverpb.Compare;
import io.karst.etcdserver.internal.etcdserverpb.CompactionRequest;
import io.karst.etcdserver.internal.etcdserverpb.DeleteRangeRequest;
import io.karst.etcdserver.internal.etcdserverpb.DeleteRangeResponse;
import io.karst.etcdserver.internal.etcdserverpb.KVGrpc;
import io.karst.etcdserver.internal.etcdserverpb.LeaseGrantRequest;
import io.karst.etcdserver.internal.etcdserverpb.LeaseGrpc;
import io.karst.etcdserver.internal.etcdserverpb.LeaseKeepAliveRequest;
import io.karst.etcdserver.internal.etcdserverpb.LeaseKeepAliveResponse;
import io.karst.etcdserver.internal.etcdserverpb.LeaseRevokeRequest;
import io.karst.etcdserver.internal.etcdserverpb.MaintenanceGrpc;
import io.karst.etcdserver.internal.etcdserverpb.PutRequest;
import io.karst.etcdserver.internal.etcdserverpb.PutResponse;
import io.karst.etcdserver.internal.etcdserverpb.RangeRequest;
import io.karst.etcdserver.internal.etcdserverpb.RangeResponse;
import io.karst.etcdserver.internal.etcdserverpb.RequestOp;
import io.karst.etcdserver.internal.etcdserverpb.StatusRequest;
import io.karst.etcdserver.internal.etcdserverpb.StatusResponse;
import io.karst.etcdserver.internal.etcdserverpb.TxnRequest;
import io.karst.etcdserver.internal.etcdserverpb.TxnResponse;
import io.karst.etcdserver.internal.etcdserverpb.WatchCancelRequest;
import io.karst.etcdserver.internal.etcdserverpb.WatchCreateRequest;
import io.karst.etcdserver.internal.etcdserverpb.WatchGrpc;
import io.karst.etcdserver.internal.etcdserverpb.WatchRequest;
import io.karst.etcdserver.internal.etcdserverpb.WatchResponse;
import io.karst.etcdserver.internal.mvccpb.Event;

/**
 * The endpoint driven through grpc-java stubs generated from the same protos, over the SQLite store. One server
 * serves the class; each test works under its own key prefix.
 */
class EtcdGrpcTest {
    @TempDir
    static Path dataDir;
    static SqliteEtcdServer server;
    static KVGrpc.KVBlockingStub kv;

    @BeforeAll
    static void start() {
        server = new SqliteEtcdServer(dataDir);
        kv = KVGrpc.newBlockingStub(server.channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
    }

    @Test
    void putThenRangeReturnsTheValueWithItsRevisionsInTheHeader() {
        PutResponse put = kv.put(put("/get/a", "1"));
        RangeResponse got = kv.range(RangeRequest.newBuilder().setKey(bytes("/get/a")).build());
        assertEquals(1, got.getCount());
        assertEquals("1", got.getKvs(0).getValue().toStringUtf8());
        assertEquals(put.getHeader().getRevision(), got.getKvs(0).getModRevision());
        assertEquals(put.getHeader().getRevision(), got.getKvs(0).getCreateRevision());
        assertEquals(1, got.getKvs(0).getVersion());
        assertTrue(got.getHeader().getRevision() >= put.getHeader().getRevision());
        assertEquals(ResponseHeaders.CLUSTER_ID, got.getHeader().getClusterId());
        assertEquals(ResponseHeaders.MEMBER_ID, got.getHeader().getMemberId());
    }

    @Test
    void prefixRangeWithLimitReturnsOnePageAndCountsTheWholeRange() {
        for (int i = 0; i < 5; i++) {
            kv.put(put("/page/" + i, "v" + i));
        }
        kv.put(put("/pagf", "outside"));
        RangeResponse page = kv.range(prefix("/page/").setLimit(2).build());
        assertEquals(List.of("/page/0", "/page/1"), keys(page));
        assertTrue(page.getMore());
        assertEquals(5, page.getCount());

        RangeResponse countOnly = kv.range(prefix("/page/").setCountOnly(true).build());
        assertEquals(5, countOnly.getCount());
        assertEquals(0, countOnly.getKvsCount());

        RangeResponse keysOnly = kv.range(prefix("/page/").setKeysOnly(true).build());
        assertEquals(5, keysOnly.getKvsCount());
        assertTrue(keysOnly.getKvs(0).getValue().isEmpty());

        RangeResponse descending = kv.range(prefix("/page/").setSortOrder(RangeRequest.SortOrder.DESCEND)
                .setLimit(1).build());
        assertEquals(List.of("/page/4"), keys(descending));
    }

    @Test
    void rangeAtAPastRevisionSeesTheValueOfThatRevision() {
        long first = kv.put(put("/past/a", "old")).getHeader().getRevision();
        kv.put(put("/past/a", "new"));
        RangeResponse then = kv.range(RangeRequest.newBuilder().setKey(bytes("/past/a")).setRevision(first).build());
        assertEquals("old", then.getKvs(0).getValue().toStringUtf8());
    }

    @Test
    void rangeAtAFutureRevisionFailsOutOfRangeWithEtcdsMessage() {
        StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> kv.range(
                RangeRequest.newBuilder().setKey(bytes("/x")).setRevision(server.store.currentRevision() + 100)
                        .build()));
        assertEquals(Status.Code.OUT_OF_RANGE, error.getStatus().getCode());
        assertEquals(EtcdErrors.FUTURE_REVISION, error.getStatus().getDescription());
    }

    @Test
    void putWithPrevKvReturnsTheReplacedValueAndDeletePrefixReturnsTheDeletedOnes() {
        kv.put(put("/prev/a", "1"));
        PutResponse replaced = kv.put(put("/prev/a", "2").toBuilder().setPrevKv(true).build());
        assertEquals("1", replaced.getPrevKv().getValue().toStringUtf8());
        kv.put(put("/prev/b", "3"));

        DeleteRangeResponse deleted = kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("/prev/"))
                .setRangeEnd(KeySelection.prefixEnd(bytes("/prev/"))).setPrevKv(true).build());
        assertEquals(2, deleted.getDeleted());
        assertEquals("2", deleted.getPrevKvs(0).getValue().toStringUtf8());
        assertEquals(0, kv.range(prefix("/prev/").build()).getCount());
    }

    @Test
    void txnCreateSucceedsWhenTheKeyIsAbsentAndOtherwiseReturnsTheCurrentKey() {
        TxnRequest create = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(bytes("/txn/create")).setTarget(Compare.CompareTarget.MOD)
                        .setResult(Compare.CompareResult.EQUAL).setModRevision(0))
                .addSuccess(RequestOp.newBuilder().setRequestPut(put("/txn/create", "first")))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder()
                        .setKey(bytes("/txn/create"))))
                .build();
        TxnResponse created = kv.txn(create);
        assertTrue(created.getSucceeded());
        long revision = created.getResponses(0).getResponsePut().getHeader().getRevision();
        assertEquals(revision, created.getHeader().getRevision());

        TxnResponse exists = kv.txn(create.toBuilder().setSuccess(0,
                RequestOp.newBuilder().setRequestPut(put("/txn/create", "second"))).build());
        assertFalse(exists.getSucceeded());
        RangeResponse current = exists.getResponses(0).getResponseRange();
        assertEquals("first", current.getKvs(0).getValue().toStringUtf8());
        assertEquals(revision, current.getKvs(0).getModRevision());
    }

    /**
     * kube-apiserver's guarded creates, sent at once on one connection without waiting: the endpoint commits the
     * ones its event loop was handed together, on that loop. Each is answered, once, with its own revision, and
     * a create of a key an earlier one in the same burst took fails its guard.
     */
    @Test
    void aBurstOfGuardedCreatesOnOneConnectionIsAnsweredEachWithItsOwnRevision() throws Exception {
        int creates = 300;
        KVGrpc.KVStub async = KVGrpc.newStub(server.channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        BlockingQueue<TxnResponse> answers = new LinkedBlockingQueue<>();
        BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
        for (int i = 0; i <= creates; i++) {
            // the last one repeats the first key
            String key = "/burst/" + (i == creates ? 0 : i);
            TxnRequest create = TxnRequest.newBuilder()
                    .addCompare(Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.MOD)
                            .setResult(Compare.CompareResult.EQUAL).setModRevision(0))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(put(key, "v" + i)))
                    .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes(key))))
                    .build();
            async.txn(create, new StreamObserver<>() {
                @Override
                public void onNext(TxnResponse response) {
                    answers.add(response);
                }

                @Override
                public void onError(Throwable t) {
                    failures.add(t);
                }

                @Override
                public void onCompleted() {
                }
            });
        }
        Set<Long> revisions = new TreeSet<>();
        int refused = 0;
        for (int i = 0; i <= creates; i++) {
            TxnResponse answer = answers.poll(30, TimeUnit.SECONDS);
            assertNotNull(answer, "answers: " + i + ", failures: " + failures);
            if (answer.getSucceeded()) {
                assertTrue(revisions.add(answer.getHeader().getRevision()));
            } else {
                refused++;
                assertEquals("v0", answer.getResponses(0).getResponseRange().getKvs(0).getValue().toStringUtf8());
            }
        }
        assertEquals(1, refused);
        assertEquals(creates, revisions.size());
        assertEquals(creates, kv.range(prefix("/burst/").build()).getCount());
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void txnGuardedUpdateAndDeleteApplyOnlyAtTheExpectedModRevision() {
        long revision = kv.put(put("/txn/update", "v1")).getHeader().getRevision();
        TxnResponse stale = kv.txn(guarded("/txn/update", revision - 1,
                RequestOp.newBuilder().setRequestPut(put("/txn/update", "lost"))));
        assertFalse(stale.getSucceeded());
        assertEquals(revision, stale.getResponses(0).getResponseRange().getKvs(0).getModRevision());

        TxnResponse updated = kv.txn(guarded("/txn/update", revision,
                RequestOp.newBuilder().setRequestPut(put("/txn/update", "v2"))));
        assertTrue(updated.getSucceeded());
        long updatedAt = updated.getHeader().getRevision();

        TxnResponse deleted = kv.txn(guarded("/txn/update", updatedAt, RequestOp.newBuilder()
                .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("/txn/update"))
                        .setPrevKv(true))));
        assertTrue(deleted.getSucceeded());
        assertEquals("v2", deleted.getResponses(0).getResponseDeleteRange().getPrevKvs(0).getValue()
                .toStringUtf8());
        assertEquals(0, kv.range(RangeRequest.newBuilder().setKey(bytes("/txn/update")).build()).getCount());
    }

    @Test
    void txnWritingAKeyOtherThanTheComparedOneIsUnimplemented() {
        StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> kv.txn(guarded(
                "/txn/a", 0, RequestOp.newBuilder().setRequestPut(put("/txn/b", "x")))));
        assertEquals(Status.Code.UNIMPLEMENTED, error.getStatus().getCode());
        assertTrue(error.getStatus().getDescription().contains("other than the compared"));
    }

    @Test
    void watchFromAPastRevisionReplaysWithPrevKvThenFollowsLiveChangesUntilCanceled() throws Exception {
        long start = kv.put(put("/watch/a", "1")).getHeader().getRevision();
        kv.put(put("/watch/a", "2"));
        BlockingQueue<WatchResponse> received = new LinkedBlockingQueue<>();
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(server.channel).watch(collect(received));
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                .setKey(bytes("/watch/")).setRangeEnd(KeySelection.prefixEnd(bytes("/watch/")))
                .setStartRevision(start).setPrevKv(true)).build());

        WatchResponse created = next(received);
        assertTrue(created.getCreated());
        Iterator<Event> replay = events(received, 2).iterator();
        Event first = replay.next();
        assertEquals("1", first.getKv().getValue().toStringUtf8());
        assertFalse(first.hasPrevKv());
        Event second = replay.next();
        assertEquals("2", second.getKv().getValue().toStringUtf8());
        assertEquals("1", second.getPrevKv().getValue().toStringUtf8());

        kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("/watch/a")).build());
        Event deletion = events(received, 1).get(0);
        assertEquals(Event.EventType.DELETE, deletion.getType());
        assertEquals("2", deletion.getPrevKv().getValue().toStringUtf8());

        requests.onNext(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder()
                .setWatchId(created.getWatchId())).build());
        WatchResponse canceled = next(received);
        assertTrue(canceled.getCanceled());
        requests.onCompleted();
    }

    @Test
    void watchFromACompactedRevisionIsCreatedThenCanceledWithTheCompactRevision() throws Exception {
        long old = kv.put(put("/compact/a", "1")).getHeader().getRevision();
        long now = kv.put(put("/compact/a", "2")).getHeader().getRevision();
        kv.compact(CompactionRequest.newBuilder().setRevision(now).build());

        StatusRuntimeException read = assertThrows(StatusRuntimeException.class, () -> kv.range(
                RangeRequest.newBuilder().setKey(bytes("/compact/a")).setRevision(old).build()));
        assertEquals(Status.Code.OUT_OF_RANGE, read.getStatus().getCode());
        assertEquals(EtcdErrors.COMPACTED, read.getStatus().getDescription());

        BlockingQueue<WatchResponse> received = new LinkedBlockingQueue<>();
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(server.channel).watch(collect(received));
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                .setKey(bytes("/compact/a")).setStartRevision(old)).build());
        assertTrue(next(received).getCreated());
        WatchResponse canceled = next(received);
        assertTrue(canceled.getCanceled());
        assertEquals(server.store.compactedRevision(), canceled.getCompactRevision());
        requests.onCompleted();
    }

    @Test
    void aRevokedLeaseDeletesItsKeysAndAnUnknownLeaseIsNotFound() throws Exception {
        LeaseGrpc.LeaseBlockingStub leases = LeaseGrpc.newBlockingStub(server.channel);
        long id = leases.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
        kv.put(put("/lease/a", "1").toBuilder().setLease(id).build());
        assertEquals(id, kv.range(RangeRequest.newBuilder().setKey(bytes("/lease/a")).build()).getKvs(0)
                .getLease());

        BlockingQueue<LeaseKeepAliveResponse> keptAlive = new LinkedBlockingQueue<>();
        StreamObserver<LeaseKeepAliveRequest> keepAlive = LeaseGrpc.newStub(server.channel)
                .leaseKeepAlive(collect(keptAlive));
        keepAlive.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
        assertEquals(60, next(keptAlive).getTTL());

        leases.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());
        assertEquals(0, kv.range(RangeRequest.newBuilder().setKey(bytes("/lease/a")).build()).getCount());
        keepAlive.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
        assertEquals(0, next(keptAlive).getTTL(), "a revoked lease keeps alive with TTL 0, as in etcd");
        keepAlive.onCompleted();

        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> leases.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        assertEquals(EtcdErrors.LEASE_NOT_FOUND, unknown.getStatus().getDescription());
    }

    @Test
    void statusReportsASingleMemberThatIsItsOwnLeader() {
        StatusResponse status = MaintenanceGrpc.newBlockingStub(server.channel).status(StatusRequest.getDefaultInstance());
        assertEquals(MaintenanceService.ETCD_VERSION, status.getVersion());
        assertEquals(status.getHeader().getMemberId(), status.getLeader());
        assertEquals(1, status.getRaftTerm());
        assertTrue(status.getDbSize() > 0);
        assertEquals(server.store.currentRevision(), status.getHeader().getRevision());
    }

    private static TxnRequest guarded(String key, long modRevision, RequestOp.Builder write) {
        return TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.MOD)
                        .setResult(Compare.CompareResult.EQUAL).setModRevision(modRevision))
                .addSuccess(write)
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes(key))))
                .build();
    }

    private static PutRequest put(String key, String value) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
    }

    private static RangeRequest.Builder prefix(String prefix) {
        return RangeRequest.newBuilder().setKey(bytes(prefix)).setRangeEnd(KeySelection.prefixEnd(bytes(prefix)));
    }

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    private static List<String> keys(RangeResponse response) {
        return response.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList();
    }

    private static List<Event> events(BlockingQueue<WatchResponse> received, int count) throws InterruptedException {
        List<Event> events = new java.util.ArrayList<>();
        while (events.size() < count) {
            events.addAll(next(received).getEventsList());
        }
        return events;
    }

    private static <T> T next(BlockingQueue<T> received) throws InterruptedException {
        T next = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(next, "no response within 10 s");
        return next;
    }

    private static <T> StreamObserver<T> collect(BlockingQueue<T> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
