package io.karst.controllers.ttl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.DeletionPropagation;
import io.karst.api.client.Informer;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;

/**
 * kube-controller-manager's ttl-after-finished controller: a Job with {@code spec.ttlSecondsAfterFinished} is
 * deleted that many seconds after it finished (the transition time of its Complete or Failed condition), looked at
 * again when that time comes. Before deleting it reads the Job from the server, so a TTL just raised or a Job
 * restarted is respected, and deletes it with a uid precondition and foreground propagation, as upstream does, so
 * the Job goes after its pods.
 */
@Component(service = Controller.class, property = Controller.NAME + "=ttl-after-finished")
public final class TtlAfterFinishedController implements Controller {
    static final ResourceKey JOBS = new ResourceKey("batch", "v1", "jobs");

    private final Clock clock;
    private volatile ResourceClient client;
    private volatile Informer jobs;

    public TtlAfterFinishedController() {
        this(Clock.systemUTC());
    }

    TtlAfterFinishedController(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "ttl-after-finished";
    }

    @Override
    public int workers() {
        return 5; // upstream --concurrent-ttl-after-finished-syncs
    }

    @Override
    public void start(ControllerContext ctx) {
        client = ctx.client();
        jobs = ctx.informers().informer(JOBS);
        ctx.handle(jobs, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode job) {
                if (needsCleanup(job)) {
                    ctx.queue().add(ObjectKeys.of(job));
                }
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode job) {
                if (needsCleanup(job)) {
                    ctx.queue().add(ObjectKeys.of(job));
                }
            }
        });
    }

    @Override
    public ReconcileResult reconcile(String key) {
        Optional<ObjectNode> cached = jobs.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key));
        if (cached.isEmpty() || !needsCleanup(cached.get())) {
            return ReconcileResult.DONE;
        }
        Duration left = timeLeft(cached.get());
        if (left.compareTo(Duration.ZERO) > 0) {
            return ReconcileResult.after(left);
        }
        // the cache may be behind a change of the TTL: decide again on the stored Job
        Optional<ObjectNode> fresh = client.resource(JOBS).inNamespace(ObjectKeys.namespace(key))
                .find(ObjectKeys.name(key));
        if (fresh.isEmpty() || !needsCleanup(fresh.get())) {
            return ReconcileResult.DONE;
        }
        left = timeLeft(fresh.get());
        if (left.compareTo(Duration.ZERO) > 0) {
            return ReconcileResult.after(left);
        }
        try {
            client.resource(JOBS).inNamespace(ObjectKeys.namespace(key)).delete(ObjectKeys.name(key),
                    DeleteOptions.NONE.withPropagationPolicy(DeletionPropagation.FOREGROUND)
                            .withPreconditionUid(fresh.get().path("metadata").path("uid").asText()));
        } catch (ResourceException e) {
            if (!e.isNotFound() && !e.isConflict()) {
                throw e;
            }
        }
        return ReconcileResult.DONE;
    }

    /** A finished Job with a TTL that is not being deleted yet. */
    static boolean needsCleanup(JsonNode job) {
        return job.path("spec").hasNonNull("ttlSecondsAfterFinished") && finishTime(job) != null
                && !job.path("metadata").has("deletionTimestamp");
    }

    private Duration timeLeft(JsonNode job) {
        Instant expires = finishTime(job).plusSeconds(job.path("spec").path("ttlSecondsAfterFinished").asLong());
        return Duration.between(clock.instant(), expires);
    }

    /** When the Job finished: its Complete or Failed condition's transition; null when it has not finished. */
    static Instant finishTime(JsonNode job) {
        for (JsonNode c : job.path("status").path("conditions")) {
            String type = c.path("type").asText();
            if ((type.equals("Complete") || type.equals("Failed")) && c.path("status").asText().equals("True")) {
                String at = c.path("lastTransitionTime").asText("");
                return at.isEmpty() ? null : Instant.parse(at);
            }
        }
        return null;
    }
}
