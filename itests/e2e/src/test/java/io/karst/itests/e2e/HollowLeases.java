package io.karst.itests.e2e;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;

/**
 * The hollow nodes' Leases in {@code kube-node-lease}, renewed every 10 s as the kubelet does. Each node renews at
 * its own offset within the period, so a thousand nodes make a steady 100 writes a second on a small shared pool
 * rather than a thousand at once; each renewal writes the Lease it last wrote (no read first) and reads it again
 * only after a conflict.
 */
final class HollowLeases {
    static final String NAMESPACE = "kube-node-lease";
    private static final long PERIOD_MS = 10_000;

    private final CoordinationV1Api coordination;
    private final ScheduledExecutorService pool;
    private final Predicate<String> silent;
    private final Consumer<String> errors;
    private final Map<String, V1Lease> last = new ConcurrentHashMap<>();

    HollowLeases(CoordinationV1Api coordination, ScheduledExecutorService pool, Predicate<String> silent,
            Consumer<String> errors) {
        this.coordination = coordination;
        this.pool = pool;
        this.silent = silent;
        this.errors = errors;
    }

    /** Creates the node's Lease now and renews it from a random point of the next period on. */
    void start(String node) throws ApiException {
        V1Lease lease = coordination.createNamespacedLease(NAMESPACE, new V1Lease()
                .metadata(new V1ObjectMeta().name(node).namespace(NAMESPACE))
                .spec(new V1LeaseSpec().holderIdentity(node).leaseDurationSeconds(40).renewTime(now()))).execute();
        last.put(node, lease);
        long offset = ThreadLocalRandom.current().nextLong(PERIOD_MS);
        pool.scheduleAtFixedRate(() -> renew(node), offset, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private void renew(String node) {
        if (silent.test(node)) {
            return;
        }
        try {
            V1Lease lease = last.get(node);
            if (lease == null) {
                lease = coordination.readNamespacedLease(node, NAMESPACE).execute();
            }
            lease.getSpec().renewTime(now());
            last.put(node, coordination.replaceNamespacedLease(node, NAMESPACE, lease).execute());
        } catch (ApiException e) {
            // someone else wrote it (or it went): read it again at the next renewal
            last.remove(node);
            errors.accept("lease " + node + ": " + e.getCode() + " " + e.getResponseBody());
        } catch (RuntimeException e) {
            // a periodic task that throws is never run again
            last.remove(node);
            errors.accept("lease " + node + ": " + e);
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
