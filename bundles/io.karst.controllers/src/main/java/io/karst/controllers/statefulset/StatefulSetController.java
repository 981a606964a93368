package io.karst.controllers.statefulset;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.EventRecorder;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;
import io.karst.controllers.history.Revisions;
import io.karst.controllers.objects.EveryChange;
import io.karst.controllers.objects.JsonTrees;
import io.karst.controllers.ownership.ControllerRefs;

/**
 * kube-controller-manager's StatefulSet controller. Pod {@code <set>-<ordinal>} for each ordinal below
 * {@code spec.replicas}, with hostname and subdomain (the governing Service), the pod-name and pod-index labels and
 * the {@code controller-revision-hash} of the revision it was made from; its claims
 * {@code <claim>-<set>-<ordinal>} from {@code volumeClaimTemplates} are created first. OrderedReady creates one pod
 * at a time, each after its predecessors are Running and Ready, and removes the highest ordinal first; Parallel does
 * both at once. RollingUpdate replaces pods at or above the partition from the highest ordinal down, one unhealthy
 * pod at a time; OnDelete only gives replacements of deleted pods the new template. Each template is a
 * ControllerRevision; the status follows upstream's counters and current/update revisions.
 */
@Component(service = Controller.class, property = Controller.NAME + "=statefulset")
public final class StatefulSetController implements Controller {
    public static final ResourceKey STATEFULSETS = new ResourceKey("apps", "v1", "statefulsets");
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final ResourceKey CLAIMS = new ResourceKey("", "v1", "persistentvolumeclaims");
    static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
    static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

    private final Clock clock;
    private volatile ControllerContext context;
    private volatile ResourceClient client;
    private volatile Informer sets;
    private volatile Informer pods;
    private volatile Informer revisions;

    public StatefulSetController() {
        this(Clock.systemUTC());
    }

    StatefulSetController(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "statefulset";
    }

    @Override
    public int workers() {
        return 5; // upstream --concurrent-statefulset-syncs
    }

    @Override
    public void start(ControllerContext ctx) {
        context = ctx;
        client = ctx.client();
        sets = ctx.informers().informer(STATEFULSETS);
        pods = ctx.informers().informer(PODS);
        revisions = ctx.informers().informer(Revisions.CONTROLLER_REVISIONS);
        ctx.handle(sets, EveryChange.of(set -> ctx.queue().add(ObjectKeys.of(set))));
        ctx.handle(pods, EveryChange.of(pod -> ControllerRefs.ownerKey(pod, "StatefulSet").ifPresent(ctx.queue()::add)));
    }

    @Override
    public ReconcileResult reconcile(String key) {
        Optional<ObjectNode> found = sets.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key));
        if (found.isEmpty() || found.get().path("metadata").has("deletionTimestamp")) {
            return ReconcileResult.DONE;
        }
        return new Sync(found.get()).run();
    }

    /** One pass over one StatefulSet. */
    private final class Sync {
        final ObjectNode set;
        final String namespace;
        final String setName;
        final int replicas;
        final boolean parallel;
        final boolean onDelete;
        final int partition;
        final int maxUnavailable;
        final int minReadySeconds;
        final TreeMap<Integer, ObjectNode> byOrdinal = new TreeMap<>();
        final List<ObjectNode> strays = new ArrayList<>();
        Duration recheck;

        Sync(ObjectNode set) {
            this.set = set;
            JsonNode spec = set.path("spec");
            namespace = set.path("metadata").path("namespace").asText();
            setName = set.path("metadata").path("name").asText();
            replicas = spec.path("replicas").asInt(1);
            parallel = spec.path("podManagementPolicy").asText("OrderedReady").equals("Parallel");
            onDelete = spec.path("updateStrategy").path("type").asText("RollingUpdate").equals("OnDelete");
            JsonNode rolling = spec.path("updateStrategy").path("rollingUpdate");
            partition = rolling.path("partition").asInt(0);
            maxUnavailable = unavailableBudget(rolling.path("maxUnavailable"), replicas);
            minReadySeconds = spec.path("minReadySeconds").asInt(0);
        }

        ReconcileResult run() {
            String uid = set.path("metadata").path("uid").asText();
            for (ObjectNode pod : pods.lister().list(namespace)) {
                JsonNode ref = ControllerRefs.of(pod);
                if (ref == null || !ref.path("uid").asText().equals(uid)) {
                    continue;
                }
                int ordinal = ordinalOf(pod);
                if (ordinal < 0) {
                    strays.add(pod);
                } else {
                    byOrdinal.put(ordinal, pod);
                }
            }
            List<ObjectNode> owned = Revisions.ownedBy(set, revisions.lister().list(namespace));
            long collisionCount = set.path("status").path("collisionCount").asLong(0);
            Revisions.Ensured update = Revisions.ensure(client, set, "apps/v1", "StatefulSet",
                    set.path("spec").path("template").path("metadata").path("labels"),
                    Revisions.templatePatch(set.path("spec").path("template")), owned, collisionCount);
            String updateRevision = update.name();
            String currentRevision = set.path("status").path("currentRevision").asText("");
            ObjectNode current = null;
            for (ObjectNode r : owned) {
                if (r.path("metadata").path("name").asText().equals(currentRevision)) {
                    current = r;
                }
            }
            if (current == null && !currentRevision.isEmpty()) {
                current = client.resource(Revisions.CONTROLLER_REVISIONS).inNamespace(namespace)
                        .find(currentRevision).orElse(null); // the cache may lag behind
            }
            if (current == null) {
                current = update.revision();
                currentRevision = updateRevision;
            }
            ObjectNode currentTemplate = Revisions.templateOf(current);
            ObjectNode updateTemplate = Revisions.templateOf(update.revision());

            boolean blocked = false;
            // strays (names that are not ours) and failed pods go; failed ones come back below
            for (ObjectNode pod : strays) {
                deletePod(pod);
            }
            for (int ordinal = 0; ordinal < replicas && !blocked; ordinal++) {
                ObjectNode pod = byOrdinal.get(ordinal);
                if (pod != null && isFailed(pod) && !terminating(pod)) {
                    deletePod(pod);
                    byOrdinal.remove(ordinal);
                    pod = null;
                    if (!parallel) {
                        blocked = true;
                        break;
                    }
                }
                if (pod == null) {
                    // as upstream: below the partition a RollingUpdate set recreates the current revision;
                    // OnDelete recreates every deleted pod from the update revision
                    boolean useCurrent = !onDelete && ordinal < partition && !currentRevision.equals(updateRevision);
                    ObjectNode created = createPod(ordinal, useCurrent ? currentTemplate : updateTemplate,
                            useCurrent ? currentRevision : updateRevision);
                    if (created != null) {
                        byOrdinal.put(ordinal, created);
                    }
                    if (!parallel) {
                        blocked = true;
                    }
                    continue;
                }
                if (!parallel && (terminating(pod) || !runningAndReady(pod))) {
                    blocked = true; // OrderedReady: successors wait for this one
                }
            }
            // condemned pods: the highest ordinal first; OrderedReady waits for all predecessors to be healthy
            if (!blocked) {
                List<Integer> condemned = new ArrayList<>(byOrdinal.tailMap(replicas, true).descendingKeySet());
                for (int ordinal : condemned) {
                    ObjectNode pod = byOrdinal.get(ordinal);
                    if (terminating(pod)) {
                        if (!parallel) {
                            break;
                        }
                        continue;
                    }
                    if (!parallel && !allHealthyBelow(ordinal)) {
                        break;
                    }
                    deletePod(pod);
                    deleteClaimsOnScaleDown(ordinal);
                    if (!parallel) {
                        blocked = true;
                        break;
                    }
                }
            }
            // rolling update: from the highest ordinal down to the partition, within maxUnavailable
            if (!blocked && !onDelete && byOrdinal.headMap(replicas).size() == replicas) {
                int unavailable = 0;
                for (int ordinal = 0; ordinal < replicas; ordinal++) {
                    ObjectNode pod = byOrdinal.get(ordinal);
                    if (terminating(pod) || !available(pod)) {
                        unavailable++;
                    }
                }
                for (int ordinal = replicas - 1; ordinal >= partition && unavailable < maxUnavailable; ordinal--) {
                    ObjectNode pod = byOrdinal.get(ordinal);
                    if (!revisionOf(pod).equals(updateRevision) && !terminating(pod)) {
                        deletePod(pod);
                        unavailable++;
                    }
                }
                // with a budget of 1 this is upstream's one-at-a-time order; the unhealthy count above already
                // includes pods being replaced, so an unready replacement holds the next deletion back
            }
            syncStatus(update, currentRevision, updateRevision);
            Set<String> live = new HashSet<>();
            live.add(currentRevision);
            live.add(updateRevision);
            byOrdinal.values().forEach(p -> live.add(revisionOf(p)));
            Revisions.truncate(client, Revisions.ownedBy(set, revisions.lister().list(namespace)), live,
                    set.path("spec").path("revisionHistoryLimit").asInt(10));
            return recheck == null ? ReconcileResult.DONE : ReconcileResult.after(recheck);
        }

        private boolean allHealthyBelow(int ordinal) {
            for (var e : byOrdinal.headMap(ordinal).entrySet()) {
                if (terminating(e.getValue()) || !runningAndReady(e.getValue())) {
                    return false;
                }
            }
            return true;
        }

        private ObjectNode createPod(int ordinal, ObjectNode template, String revision) {
            String podName = setName + "-" + ordinal;
            for (JsonNode claimTemplate : set.path("spec").path("volumeClaimTemplates")) {
                ensureClaim(claimTemplate, ordinal);
            }
            ObjectNode pod = JsonNodeFactory.instance.objectNode();
            pod.put("apiVersion", "v1");
            pod.put("kind", "Pod");
            ObjectNode metadata = template.path("metadata").isObject()
                    ? ((ObjectNode) template.get("metadata")).deepCopy() : JsonNodeFactory.instance.objectNode();
            pod.set("metadata", metadata);
            metadata.put("name", podName);
            metadata.put("namespace", namespace);
            metadata.remove(List.of("uid", "resourceVersion", "generateName", "creationTimestamp"));
            ObjectNode labels = metadata.with("labels");
            labels.put(POD_NAME_LABEL, podName);
            labels.put(POD_INDEX_LABEL, Integer.toString(ordinal));
            labels.put(Revisions.HASH_LABEL, revision);
            metadata.putArray("ownerReferences").add(ControllerRefs.to("apps/v1", "StatefulSet", set));
            ObjectNode spec = template.path("spec").deepCopy();
            pod.set("spec", spec);
            spec.put("hostname", podName);
            String service = set.path("spec").path("serviceName").asText("");
            if (!service.isEmpty()) {
                spec.put("subdomain", service);
            }
            for (JsonNode claimTemplate : set.path("spec").path("volumeClaimTemplates")) {
                String volume = claimTemplate.path("metadata").path("name").asText();
                ArrayNode volumes = spec.withArray("volumes");
                for (int i = volumes.size() - 1; i >= 0; i--) {
                    if (volumes.get(i).path("name").asText().equals(volume)) {
                        volumes.remove(i);
                    }
                }
                ObjectNode v = volumes.addObject();
                v.put("name", volume);
                v.putObject("persistentVolumeClaim").put("claimName", claimName(volume, ordinal));
            }
            try {
                ObjectNode created = client.resource(PODS).inNamespace(namespace).create(pod);
                context.events().event(set, EventRecorder.NORMAL, "SuccessfulCreate",
                        "create Pod " + podName + " in StatefulSet " + setName + " successful");
                return created;
            } catch (ResourceException e) {
                if (e.isAlreadyExists()) {
                    return null; // the cache is behind; the informer brings it
                }
                context.events().event(set, EventRecorder.WARNING, "FailedCreate",
                        "create Pod " + podName + " in StatefulSet " + setName + " failed error: " + e.getMessage());
                throw e;
            }
        }

        private String claimName(String template, int ordinal) {
            return template + "-" + setName + "-" + ordinal;
        }

        private void ensureClaim(JsonNode claimTemplate, int ordinal) {
            String name = claimName(claimTemplate.path("metadata").path("name").asText(), ordinal);
            var ops = client.resource(CLAIMS).inNamespace(namespace);
            boolean deleteWithSet = set.path("spec").path("persistentVolumeClaimRetentionPolicy")
                    .path("whenDeleted").asText("Retain").equals("Delete");
            Optional<ObjectNode> existing = ops.find(name);
            if (existing.isPresent()) {
                if (deleteWithSet && !ownedBySet(existing.get())) {
                    ObjectNode claim = existing.get().deepCopy();
                    ((ObjectNode) claim.get("metadata")).withArray("ownerReferences").add(setReference());
                    ops.update(claim);
                }
                return;
            }
            ObjectNode claim = JsonNodeFactory.instance.objectNode();
            claim.put("apiVersion", "v1");
            claim.put("kind", "PersistentVolumeClaim");
            ObjectNode metadata = claim.putObject("metadata");
            metadata.put("name", name);
            metadata.put("namespace", namespace);
            ObjectNode labels = metadata.putObject("labels");
            claimTemplate.path("metadata").path("labels").fields().forEachRemaining(f -> labels.set(f.getKey(), f.getValue()));
            set.path("spec").path("selector").path("matchLabels").fields()
                    .forEachRemaining(f -> labels.set(f.getKey(), f.getValue()));
            if (claimTemplate.path("metadata").path("annotations").isObject()) {
                metadata.set("annotations", claimTemplate.path("metadata").path("annotations").deepCopy());
            }
            if (deleteWithSet) {
                metadata.putArray("ownerReferences").add(setReference());
            }
            claim.set("spec", claimTemplate.path("spec").deepCopy());
            try {
                ops.create(claim);
                context.events().event(set, EventRecorder.NORMAL, "SuccessfulCreate",
                        "create Claim " + name + " Pod " + setName + "-" + ordinal + " in StatefulSet " + setName
                                + " success");
            } catch (ResourceException e) {
                if (!e.isAlreadyExists()) {
                    throw e;
                }
            }
        }

        /** A non-controlling reference: the garbage collector deletes the claim with the set (whenDeleted Delete). */
        private ObjectNode setReference() {
            ObjectNode ref = ControllerRefs.to("apps/v1", "StatefulSet", set);
            ref.put("controller", false);
            return ref;
        }

        private boolean ownedBySet(ObjectNode claim) {
            for (JsonNode ref : claim.path("metadata").path("ownerReferences")) {
                if (ref.path("uid").equals(set.path("metadata").path("uid"))) {
                    return true;
                }
            }
            return false;
        }

        private void deleteClaimsOnScaleDown(int ordinal) {
            if (!set.path("spec").path("persistentVolumeClaimRetentionPolicy").path("whenScaled").asText("Retain")
                    .equals("Delete")) {
                return;
            }
            for (JsonNode claimTemplate : set.path("spec").path("volumeClaimTemplates")) {
                String name = claimName(claimTemplate.path("metadata").path("name").asText(), ordinal);
                try {
                    client.resource(CLAIMS).inNamespace(namespace).delete(name);
                } catch (ResourceException e) {
                    if (!e.isNotFound()) {
                        throw e;
                    }
                }
            }
        }

        private void deletePod(ObjectNode pod) {
            String podName = pod.path("metadata").path("name").asText();
            try {
                client.resource(PODS).inNamespace(namespace).delete(podName);
                context.events().event(set, EventRecorder.NORMAL, "SuccessfulDelete",
                        "delete Pod " + podName + " in StatefulSet " + setName + " successful");
            } catch (ResourceException e) {
                if (!e.isNotFound()) {
                    context.events().event(set, EventRecorder.WARNING, "FailedDelete", "delete Pod " + podName
                            + " in StatefulSet " + setName + " failed error: " + e.getMessage());
                    throw e;
                }
            }
        }

        private boolean available(ObjectNode pod) {
            if (!runningAndReady(pod)) {
                return false;
            }
            if (minReadySeconds <= 0) {
                return true;
            }
            Instant since = readySince(pod);
            if (since == null) {
                return false;
            }
            Instant availableAt = since.plusSeconds(minReadySeconds);
            Instant now = clock.instant();
            if (now.isBefore(availableAt)) {
                Duration wait = Duration.between(now, availableAt).plusMillis(100);
                if (recheck == null || wait.compareTo(recheck) < 0) {
                    recheck = wait;
                }
                return false;
            }
            return true;
        }

        private void syncStatus(Revisions.Ensured update, String currentRevision, String updateRevision) {
            int count = 0;
            int ready = 0;
            int available = 0;
            int current = 0;
            int updated = 0;
            for (ObjectNode pod : byOrdinal.values()) {
                count++;
                if (runningAndReady(pod) && !terminating(pod)) {
                    ready++;
                    if (available(pod)) {
                        available++;
                    }
                }
                if (!terminating(pod)) {
                    String r = revisionOf(pod);
                    if (r.equals(currentRevision)) {
                        current++;
                    }
                    if (r.equals(updateRevision)) {
                        updated++;
                    }
                }
            }
            // upstream's completeRollingUpdate: once every pod is updated and ready the update becomes current
            if (!onDelete && updated == count && ready == count && count == replicas) {
                currentRevision = updateRevision;
                current = updated;
            }
            ObjectNode status = JsonNodeFactory.instance.objectNode();
            status.put("observedGeneration", set.path("metadata").path("generation").asLong());
            status.put("replicas", count);
            status.put("readyReplicas", ready);
            status.put("currentReplicas", current);
            status.put("updatedReplicas", updated);
            status.put("availableReplicas", available);
            status.put("currentRevision", currentRevision);
            status.put("updateRevision", updateRevision);
            status.put("collisionCount", update.collisionCount());
            if (set.path("status").path("conditions").isArray()) {
                status.set("conditions", set.path("status").path("conditions"));
            }
            if (JsonTrees.same(status, set.path("status"))) {
                return;
            }
            ObjectNode next = set.deepCopy();
            next.set("status", status);
            try {
                client.resource(STATEFULSETS).inNamespace(namespace).updateStatus(next);
            } catch (ResourceException e) {
                if (!e.isNotFound() && !e.isConflict()) {
                    throw e;
                }
                if (e.isConflict()) {
                    context.queue().add(namespace + "/" + setName);
                }
            }
        }
    }

    static int unavailableBudget(JsonNode value, int replicas) {
        if (value.isMissingNode() || value.isNull()) {
            return 1;
        }
        int n;
        if (value.isTextual() && value.asText().endsWith("%")) {
            int percent = Integer.parseInt(value.asText().substring(0, value.asText().length() - 1));
            n = (int) Math.floor(replicas * percent / 100.0);
        } else {
            n = value.asInt(1);
        }
        return Math.max(n, 1);
    }

    int ordinalOf(ObjectNode pod) {
        JsonNode ref = ControllerRefs.of(pod);
        String name = pod.path("metadata").path("name").asText();
        String prefix = ref.path("name").asText() + "-";
        if (!name.startsWith(prefix)) {
            return -1;
        }
        try {
            int ordinal = Integer.parseInt(name.substring(prefix.length()));
            return ordinal >= 0 && Integer.toString(ordinal).equals(name.substring(prefix.length())) ? ordinal : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String revisionOf(ObjectNode pod) {
        return pod.path("metadata").path("labels").path(Revisions.HASH_LABEL).asText("");
    }

    static boolean terminating(ObjectNode pod) {
        return pod.path("metadata").has("deletionTimestamp");
    }

    static boolean isFailed(ObjectNode pod) {
        String phase = pod.path("status").path("phase").asText();
        return phase.equals("Failed") || phase.equals("Succeeded");
    }

    static boolean runningAndReady(ObjectNode pod) {
        return pod.path("status").path("phase").asText().equals("Running") && readySince(pod) != null;
    }

    static Instant readySince(ObjectNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True")) {
                String t = c.path("lastTransitionTime").asText("");
                return t.isEmpty() ? Instant.EPOCH : Instant.parse(t);
            }
        }
        return null;
    }
}
