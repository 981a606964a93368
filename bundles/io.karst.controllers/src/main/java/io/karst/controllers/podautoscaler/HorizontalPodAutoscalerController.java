package io.karst.controllers.podautoscaler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ApiResource;
import io.karst.api.client.Informer;
import io.karst.api.client.ListOptions;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.EventRecorder;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;

/**
 * kube-controller-manager's horizontal pod autoscaler: every 15 s (upstream's sync period) each
 * autoscaling/v2 HorizontalPodAutoscaler reads its target's {@code scale}, proposes a replica count from its
 * metrics (the pods' usage in {@code metrics.k8s.io}), normalizes it (min/max, stabilization, scaling policies),
 * writes the new scale with a {@code SuccessfulRescale} event, and keeps its status (current and desired
 * replicas, current metrics, last scale time, and the AbleToScale, ScalingActive and ScalingLimited conditions)
 * with upstream's reasons and messages.
 */
@Component(service = Controller.class, property = Controller.NAME + "=horizontalpodautoscaling")
public final class HorizontalPodAutoscalerController implements Controller {
    static final ResourceKey HPAS = new ResourceKey("autoscaling", "v2", "horizontalpodautoscalers");
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    /** --horizontal-pod-autoscaler-sync-period. */
    static final Duration SYNC_PERIOD = Duration.ofSeconds(15);

    private final Clock clock;
    private final Duration syncPeriod;
    private final ReplicaNormalizer normalizer = new ReplicaNormalizer();
    private volatile ResourceClient client;
    private volatile EventRecorder events;
    private volatile Informer hpas;

    public HorizontalPodAutoscalerController() {
        this(Clock.systemUTC(), SYNC_PERIOD);
    }

    HorizontalPodAutoscalerController(Clock clock, Duration syncPeriod) {
        this.clock = clock;
        this.syncPeriod = syncPeriod;
    }

    @Override
    public String name() {
        return "horizontalpodautoscaling";
    }

    @Override
    public void start(ControllerContext ctx) {
        client = ctx.client();
        events = ctx.events();
        hpas = ctx.informers().informer(HPAS);
        ctx.handle(hpas, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode hpa) {
                ctx.queue().add(ObjectKeys.of(hpa));
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode hpa) {
                // the controller's own status writes wait for the next period; a changed spec is looked at now
                if (!old.path("spec").equals(hpa.path("spec"))) {
                    ctx.queue().add(ObjectKeys.of(hpa));
                }
            }

            @Override
            public void onDelete(ObjectNode hpa, boolean finalStateUnknown) {
                normalizer.forget(ObjectKeys.of(hpa));
            }
        });
    }

    @Override
    public ReconcileResult reconcile(String key) {
        Optional<ObjectNode> cached = hpas.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key));
        if (cached.isEmpty()) {
            normalizer.forget(key);
            return ReconcileResult.DONE;
        }
        if (cached.get().path("metadata").has("deletionTimestamp")) {
            return ReconcileResult.DONE;
        }
        try {
            sync(key, cached.get());
        } catch (ResourceException e) {
            if (e.isNotFound() || e.code() == 409) {
                // the HPA went, or changed under the status write: the next period looks again
                return ReconcileResult.after(syncPeriod);
            }
            throw e;
        }
        return ReconcileResult.after(syncPeriod);
    }

    private void sync(String key, ObjectNode hpa) {
        Instant now = clock.instant();
        JsonNode spec = hpa.path("spec");
        String namespace = hpa.path("metadata").path("namespace").asText();
        StatusConditions conditions = new StatusConditions(hpa.path("status").get("conditions"), now);
        JsonNode ref = spec.path("scaleTargetRef");
        int minReplicas = spec.path("minReplicas").asInt(1);
        int maxReplicas = spec.path("maxReplicas").asInt();

        ResourceKey target;
        ObjectNode scale;
        try {
            target = scaleTarget(ref.path("apiVersion").asText(), ref.path("kind").asText());
            scale = client.resource(target).inNamespace(namespace).get(ref.path("name").asText(), "scale");
        } catch (TargetUnknown | ResourceException e) {
            events.event(hpa, EventRecorder.WARNING, "FailedGetScale", e.getMessage());
            conditions.set("AbleToScale", false, "FailedGetScale",
                    "the HPA controller was unable to get the target's current scale: " + e.getMessage());
            writeStatus(hpa, statusWith(hpa, conditions));
            return;
        }
        conditions.set("AbleToScale", true, "SucceededGetScale",
                "the HPA controller was able to get the target's current scale");
        int currentReplicas = scale.path("spec").path("replicas").asInt(0);
        int desiredReplicas = 0;
        String rescaleReason = "";
        com.fasterxml.jackson.databind.node.ArrayNode metricStatuses = JsonNodeFactory.instance.arrayNode();
        if (currentReplicas == 0 && minReplicas != 0) {
            conditions.set("ScalingActive", false, "ScalingDisabled",
                    "scaling is disabled since the replica count of the target is zero");
            desiredReplicas = 0;
        } else if (currentReplicas > maxReplicas) {
            rescaleReason = "Current number of replicas above Spec.MaxReplicas";
            desiredReplicas = maxReplicas;
        } else if (currentReplicas < minReplicas) {
            rescaleReason = "Current number of replicas below Spec.MinReplicas";
            desiredReplicas = minReplicas;
        } else {
            MetricsOutcome outcome;
            String selector = scale.path("status").path("selector").asText("");
            if (selector.isEmpty()) {
                events.event(hpa, EventRecorder.WARNING, "SelectorRequired", "selector is required");
                conditions.set("ScalingActive", false, "InvalidSelector",
                        "the HPA target's scale is missing a selector");
                outcome = new MetricsOutcome(-1, "", metricStatuses, null, "selector is required");
            } else {
                List<ObjectNode> pods;
                try {
                    pods = client.resource(PODS).inNamespace(namespace)
                            .list(new ListOptions(selector, "", "", "", 0, "", false, 0, null)).items();
                } catch (ResourceException e) {
                    String message = "couldn't convert selector into a corresponding internal selector object: "
                            + e.getMessage();
                    events.event(hpa, EventRecorder.WARNING, "InvalidSelector", message);
                    conditions.set("ScalingActive", false, "InvalidSelector", message);
                    writeStatus(hpa, statusWith(hpa, conditions));
                    return;
                }
                outcome = new MetricEvaluator(new ResourceMetricsClient(client), events, now)
                        .evaluate(hpa, conditions, currentReplicas, selector, pods);
            }
            metricStatuses = outcome.statuses();
            if (outcome.replicas() < 0) {
                ObjectNode status = statusWith(hpa, conditions);
                status.put("currentReplicas", currentReplicas);
                putMetrics(status, metricStatuses);
                writeStatus(hpa, status);
                events.event(hpa, EventRecorder.WARNING, "FailedComputeMetricsReplicas", outcome.error());
                return;
            }
            desiredReplicas = outcome.replicas();
            if (desiredReplicas > currentReplicas) {
                rescaleReason = outcome.metricName() + " above target";
            } else if (desiredReplicas < currentReplicas) {
                rescaleReason = "All metrics below target";
            }
            ScalingDecision decision = normalizer.normalize(key, spec.get("behavior"), currentReplicas,
                    desiredReplicas, minReplicas, maxReplicas, now);
            conditions.set("AbleToScale", true, decision.ableReason(), decision.ableMessage());
            conditions.set("ScalingLimited", decision.limited(), decision.limitReason(), decision.limitMessage());
            desiredReplicas = decision.replicas();
        }
        boolean rescale = desiredReplicas != currentReplicas && !(currentReplicas == 0 && minReplicas != 0);
        if (rescale) {
            ObjectNode updated = scale.deepCopy();
            ((ObjectNode) updated.path("spec")).put("replicas", desiredReplicas);
            try {
                client.resource(target).inNamespace(namespace).update(updated, "scale",
                        io.karst.api.client.WriteOptions.NONE);
            } catch (ResourceException e) {
                events.event(hpa, EventRecorder.WARNING, "FailedRescale", "New size: " + desiredReplicas
                        + "; reason: " + rescaleReason + "; error: " + e.getMessage());
                conditions.set("AbleToScale", false, "FailedUpdateScale",
                        "the HPA controller was unable to update the target scale: " + e.getMessage());
                ObjectNode status = statusWith(hpa, conditions);
                status.put("currentReplicas", currentReplicas);
                putMetrics(status, metricStatuses);
                writeStatus(hpa, status);
                return;
            }
            conditions.set("AbleToScale", true, "SucceededRescale",
                    "the HPA controller was able to update the target scale to " + desiredReplicas);
            events.event(hpa, EventRecorder.NORMAL, "SuccessfulRescale", "New size: " + desiredReplicas
                    + "; reason: " + rescaleReason);
            normalizer.recordScale(key, spec.get("behavior"), currentReplicas, desiredReplicas, now);
        } else {
            desiredReplicas = currentReplicas;
        }
        ObjectNode status = statusWith(hpa, conditions);
        status.put("currentReplicas", currentReplicas);
        status.put("desiredReplicas", desiredReplicas);
        putMetrics(status, metricStatuses);
        if (rescale) {
            status.put("lastScaleTime", now.truncatedTo(ChronoUnit.SECONDS).toString());
        }
        writeStatus(hpa, status);
    }

    /** The HPA's status as it was, with these conditions and the observed generation. */
    private static ObjectNode statusWith(ObjectNode hpa, StatusConditions conditions) {
        ObjectNode status = hpa.path("status").isObject() ? ((ObjectNode) hpa.path("status")).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        if (hpa.path("metadata").has("generation")) {
            status.put("observedGeneration", hpa.path("metadata").path("generation").asLong());
        }
        if (!status.has("desiredReplicas")) {
            status.put("desiredReplicas", 0);
        }
        status.set("conditions", conditions.toJson());
        return status;
    }

    private static void putMetrics(ObjectNode status, com.fasterxml.jackson.databind.node.ArrayNode metrics) {
        if (metrics.isEmpty()) {
            status.remove("currentMetrics");
        } else {
            status.set("currentMetrics", metrics);
        }
    }

    private void writeStatus(ObjectNode hpa, ObjectNode status) {
        if (status.equals(hpa.path("status"))) {
            return;
        }
        ObjectNode updated = hpa.deepCopy();
        updated.set("status", status);
        client.resource(HPAS).inNamespace(hpa.path("metadata").path("namespace").asText()).updateStatus(updated);
    }

    /** The scale target reference cannot be resolved to a served resource (upstream's REST mapping failed). */
    private static final class TargetUnknown extends Exception {
        private static final long serialVersionUID = 1L;

        TargetUnknown(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The resource of the scale target as upstream's REST mapper finds it: the kind in the reference's group, in
     * its version when served there, else in the group's preferred version.
     */
    private ResourceKey scaleTarget(String apiVersion, String kind) throws TargetUnknown {
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
        if (apiVersion.chars().filter(c -> c == '/').count() > 1) {
            throw new TargetUnknown("unexpected GroupVersion string: " + apiVersion);
        }
        ApiResource preferred = null;
        for (ApiResource r : client.resources()) {
            if (r.group().equals(group) && r.kind().equals(kind) && !r.resource().contains("/")) {
                if (r.version().equals(version)) {
                    return r.key();
                }
                if (preferred == null || r.preferred()) {
                    preferred = r;
                }
            }
        }
        if (preferred == null) {
            throw new TargetUnknown("no matches for kind \"" + kind + "\" in group \"" + group + "\"");
        }
        return preferred.key();
    }
}
