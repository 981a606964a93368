package io.karst.bench.datastore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.karst.etcdserver.internal.etcdserverpb.Compare;
import io.karst.etcdserver.internal.etcdserverpb.KVGrpc;
import io.karst.etcdserver.internal.etcdserverpb.MaintenanceGrpc;
import io.karst.etcdserver.internal.etcdserverpb.PutRequest;
import io.karst.etcdserver.internal.etcdserverpb.RangeRequest;
import io.karst.etcdserver.internal.etcdserverpb.RequestOp;
import io.karst.etcdserver.internal.etcdserverpb.StatusRequest;
import io.karst.etcdserver.internal.etcdserverpb.TxnRequest;
import io.karst.etcdserver.internal.etcdserverpb.TxnResponse;
import io.karst.etcdserver.internal.etcdserverpb.WatchCreateRequest;
import io.karst.etcdserver.internal.etcdserverpb.WatchGrpc;
import io.karst.etcdserver.internal.etcdserverpb.WatchRequest;
import io.karst.etcdserver.internal.etcdserverpb.WatchResponse;
import io.karst.etcdserver.internal.mvccpb.Event;

/**
 * An etcd v3 client over gRPC, built on the stubs generated in Karst's endpoint bundle from etcd's own protos.
 * Writes take the shapes kube-apiserver sends: a create is a transaction "if the key's mod revision is 0, put",
 * an update "if its mod revision is still what I read, put"; reads are linearizable (etcd's default).
 */
final class EtcdClientTarget implements BenchTarget {
    /** A list of 10,000 values of 1 KiB is a 10 MiB response, above grpc-java's 4 MiB default. */
    private static final int MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
    private static final long DEADLINE_SECONDS = 60;

    private final String address;
    private final String etcdctl;
    private final ManagedChannel channel;
    private final KVGrpc.KVBlockingStub kv;
    private final WatchGrpc.WatchStub watch;
    private final MaintenanceGrpc.MaintenanceBlockingStub maintenance;

    /**
     * @param address host:port of the endpoint, plaintext
     * @param etcdctl etcdctl to defragment with; {@code null} for a server that needs no defragmentation
     */
    EtcdClientTarget(String address, String etcdctl) {
        this.address = address;
        this.etcdctl = etcdctl;
        int colon = address.lastIndexOf(':');
        this.channel = NettyChannelBuilder.forAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1)))
                .usePlaintext()
                .maxInboundMessageSize(MAX_RESPONSE_BYTES)
                .build();
        this.kv = KVGrpc.newBlockingStub(channel);
        this.watch = WatchGrpc.newStub(channel);
        this.maintenance = MaintenanceGrpc.newBlockingStub(channel);
    }

    @Override
    public long create(String key, byte[] value) {
        TxnResponse response = guardedPut(key, value, 0);
        if (!response.getSucceeded()) {
            throw new IllegalStateException("create of " + key + " found the key existing");
        }
        return response.getHeader().getRevision();
    }

    @Override
    public long update(String key, byte[] value, long expectedModRevision) {
        TxnResponse response = guardedPut(key, value, expectedModRevision);
        if (!response.getSucceeded()) {
            throw new IllegalStateException("update of " + key + " lost its guard: mod revision is no longer "
                    + expectedModRevision);
        }
        return response.getHeader().getRevision();
    }

    /** kube-apiserver's guarded write: put if the mod revision is as expected, else read the key back. */
    private TxnResponse guardedPut(String key, byte[] value, long modRevision) {
        ByteString k = bytes(key);
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(k).setTarget(Compare.CompareTarget.MOD)
                        .setResult(Compare.CompareResult.EQUAL).setModRevision(modRevision))
                .addSuccess(RequestOp.newBuilder().setRequestPut(
                        PutRequest.newBuilder().setKey(k).setValue(ByteString.copyFrom(value))))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(k)))
                .build();
        return kv().txn(txn);
    }

    @Override
    public boolean get(String key) {
        return kv().range(RangeRequest.newBuilder().setKey(bytes(key)).build()).getCount() > 0;
    }

    @Override
    public int list(String prefix) {
        ByteString start = bytes(prefix);
        return kv().range(RangeRequest.newBuilder().setKey(start).setRangeEnd(prefixEnd(start)).build()).getKvsCount();
    }

    @Override
    public AutoCloseable watch(String prefix, LongConsumer onEvent) {
        CountDownLatch created = new CountDownLatch(1);
        StreamObserver<WatchRequest> requests = watch.watch(new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse response) {
                if (response.getCreated()) {
                    created.countDown();
                }
                for (Event event : response.getEventsList()) {
                    onEvent.accept(event.getKv().getModRevision());
                }
            }

            @Override
            public void onError(Throwable t) {
                if (Status.fromThrowable(t).getCode() != Status.Code.CANCELLED) {
                    System.err.println("watch on " + address + " failed: " + t);
                }
            }

            @Override
            public void onCompleted() {
                // the server ended the stream; the bench notices missing events by itself
            }
        });
        ByteString start = bytes(prefix);
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(
                WatchCreateRequest.newBuilder().setKey(start).setRangeEnd(prefixEnd(start))).build());
        try {
            if (!created.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("watch on " + address + " was not created");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating a watch", e);
        }
        return () -> requests.onError(Status.CANCELLED.asRuntimeException());
    }

    @Override
    public boolean compactedPast(long revision) {
        try {
            kv().range(RangeRequest.newBuilder().setKey(bytes("/bench/compaction-probe")).setRevision(revision)
                    .build());
            return false;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.OUT_OF_RANGE
                    && String.valueOf(e.getStatus().getDescription()).contains("compacted")) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public long currentRevision() {
        return kv().range(RangeRequest.newBuilder().setKey(bytes("/bench/revision-probe")).build()).getHeader()
                .getRevision();
    }

    @Override
    public long dbBytesInUse() {
        return maintenance.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance())
                .getDbSizeInUse();
    }

    /** etcd's bbolt file never shrinks by itself: {@code etcdctl defrag} rewrites it. */
    @Override
    public boolean defragment() {
        if (etcdctl == null) {
            return false;
        }
        ProcessBuilder builder = new ProcessBuilder(etcdctl, "--endpoints=http://" + address,
                "--command-timeout=300s", "defrag").redirectErrorStream(true);
        builder.environment().put("ETCDCTL_API", "3");
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("etcdctl defrag failed: " + output);
            }
            return true;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + etcdctl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during etcdctl defrag", e);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private KVGrpc.KVBlockingStub kv() {
        return kv.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static ByteString bytes(String key) {
        return ByteString.copyFrom(key, StandardCharsets.UTF_8);
    }

    /** etcd's GetPrefixRangeEnd: the last byte below 0xff incremented, the rest dropped. */
    private static ByteString prefixEnd(ByteString prefix) {
        byte[] bytes = prefix.toByteArray();
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(bytes, i + 1);
                end[i]++;
                return ByteString.copyFrom(end);
            }
        }
        return ByteString.copyFrom(new byte[] {0});
    }
}
