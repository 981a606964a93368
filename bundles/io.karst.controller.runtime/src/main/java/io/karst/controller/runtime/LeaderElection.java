package io.karst.controller.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;

/**
 * client-go's Lease-based leader election, one step per {@link #tick}: acquire the Lease when it is free or its
 * holder has not renewed it for {@code leaseDuration} (measured on this server's monotonic clock from when the
 * record last changed, so clock skew between servers does not matter), renew it while holding it, and give up
 * leading when a renewal has not succeeded within {@code renewDeadline}. Writes are conditional on the Lease's
 * resourceVersion, so two servers never both win.
 */
final class LeaderElection {
    static final ResourceKey LEASES = new ResourceKey("coordination.k8s.io", "v1", "leases");
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** What the election tells its owner. */
    interface Callbacks {
        void startedLeading();

        void stoppedLeading();
    }

    private final ResourceOperations leases;
    private final String name;
    private final String identity;
    private final Duration leaseDuration;
    private final Duration renewDeadline;
    private final Clock clock;
    private final Callbacks callbacks;

    private String observedResourceVersion = "";
    private long observedAtNanos;
    private String observedHolder = "";
    private boolean leading;
    private long lastRenewNanos;

    LeaderElection(ResourceClient client, String namespace, String name, String identity, Duration leaseDuration,
            Duration renewDeadline, Clock clock, Callbacks callbacks) {
        this.leases = client.resource(LEASES).inNamespace(namespace);
        this.name = name;
        this.identity = identity;
        this.leaseDuration = leaseDuration;
        this.renewDeadline = renewDeadline;
        this.clock = clock;
        this.callbacks = callbacks;
    }

    synchronized boolean leading() {
        return leading;
    }

    synchronized String holder() {
        return observedHolder;
    }

    /** One attempt to acquire or renew; called every retry period. */
    synchronized void tick() {
        boolean renewed;
        try {
            renewed = tryAcquireOrRenew();
        } catch (ResourceException | IllegalStateException e) {
            LOG.debug("Lease {} not renewed: {}", name, e.getMessage());
            renewed = false;
        }
        long now = System.nanoTime();
        if (renewed) {
            lastRenewNanos = now;
            if (!leading) {
                leading = true;
                LOG.info("{} now leads (Lease kube-system/{})", identity, name);
                callbacks.startedLeading();
            }
        } else if (leading && now - lastRenewNanos > renewDeadline.toNanos()) {
            leading = false;
            LOG.warn("{} lost the Lease kube-system/{}: not renewed within {} s", identity, name,
                    renewDeadline.toSeconds());
            callbacks.stoppedLeading();
        }
    }

    private boolean tryAcquireOrRenew() {
        Instant now = clock.instant();
        Optional<ObjectNode> found = leases.find(name);
        if (found.isEmpty()) {
            ObjectNode lease = JsonNodeFactory.instance.objectNode();
            lease.put("apiVersion", "coordination.k8s.io/v1");
            lease.put("kind", "Lease");
            lease.putObject("metadata").put("name", name);
            ObjectNode spec = lease.putObject("spec");
            holdSpec(spec, now, true);
            spec.put("leaseTransitions", 0);
            observe(leases.create(lease));
            return true;
        }
        ObjectNode lease = found.get();
        observe(lease);
        ObjectNode spec = lease.get("spec") instanceof ObjectNode s ? s : lease.putObject("spec");
        String holder = spec.path("holderIdentity").asText("");
        boolean mine = holder.equals(identity);
        boolean expired = System.nanoTime() - observedAtNanos > Duration.ofSeconds(
                spec.path("leaseDurationSeconds").asLong(leaseDuration.toSeconds())).toNanos();
        if (!mine && !holder.isEmpty() && !expired) {
            return false;
        }
        if (!mine) {
            spec.put("leaseTransitions", spec.path("leaseTransitions").asInt(0) + (holder.isEmpty() ? 0 : 1));
        }
        holdSpec(spec, now, !mine);
        observe(leases.update(lease));
        return true;
    }

    private void holdSpec(ObjectNode spec, Instant now, boolean acquiring) {
        spec.put("holderIdentity", identity);
        spec.put("leaseDurationSeconds", leaseDuration.toSeconds());
        if (acquiring) {
            spec.put("acquireTime", MICRO_TIME.format(now));
        }
        spec.put("renewTime", MICRO_TIME.format(now));
    }

    private void observe(ObjectNode lease) {
        String resourceVersion = lease.path("metadata").path("resourceVersion").asText("");
        if (!resourceVersion.equals(observedResourceVersion)) {
            observedResourceVersion = resourceVersion;
            observedAtNanos = System.nanoTime();
        }
        observedHolder = lease.path("spec").path("holderIdentity").asText("");
    }

    /**
     * Gives the Lease up so that another server takes over at once rather than after the lease duration, as
     * client-go's ReleaseOnCancel does; the caller stops its controllers first.
     */
    synchronized void release() {
        if (!leading) {
            return;
        }
        leading = false;
        try {
            leases.find(name).filter(l -> identity.equals(l.path("spec").path("holderIdentity").asText()))
                    .ifPresent(lease -> {
                        ObjectNode spec = (ObjectNode) lease.get("spec");
                        spec.put("holderIdentity", "");
                        spec.put("leaseDurationSeconds", 1);
                        leases.update(lease);
                    });
        } catch (ResourceException | IllegalStateException e) {
            LOG.info("Lease kube-system/{} not released ({}); it expires in {} s", name, e.getMessage(),
                    leaseDuration.toSeconds());
        }
    }
}
