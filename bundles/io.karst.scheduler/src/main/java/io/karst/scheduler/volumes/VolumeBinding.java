package io.karst.scheduler.volumes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.ControllerContext;
import io.karst.api.scheduler.FilterPlugin;
import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;

/**
 * kube-scheduler's VolumeBinding plugin. PreFilter: every claim the pod names must exist and not be deleting, and
 * claims of Immediate classes must already be bound. Filter ({@link PodVolumes}): bound claims' volumes must allow
 * the node by their node affinity; waiting ({@code WaitForFirstConsumer}) claims need an Available volume that fits
 * the node, or a class with a real provisioner. PreBind: the chosen volumes get the claim in {@code claimRef} (the
 * binder then binds the claim), claims to provision get {@code volume.kubernetes.io/selected-node}. Volumes chosen
 * here are promised to their claims until the informer shows them claimed, so two pods of one pass cannot take
 * the same volume.
 *
 * <p>Unlike upstream, the pod is bound right after PreBind's writes rather than once the binder has finished: the
 * binder completes the binding within its next sync, and the kubelet mounts a claim only once it is bound.
 */
public final class VolumeBinding {
    public static final String NAME = "VolumeBinding";
    static final ResourceKey CLAIMS = new ResourceKey("", "v1", "persistentvolumeclaims");
    static final ResourceKey VOLUMES = new ResourceKey("", "v1", "persistentvolumes");
    static final ResourceKey CLASSES = new ResourceKey("storage.k8s.io", "v1", "storageclasses");
    static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
    static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
    static final String NO_PROVISIONER = "kubernetes.io/no-provisioner";
    static final String UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";
    static final String NODE_CONFLICT = "node(s) had volume node affinity conflict";
    static final String BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
    static final String PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";

    private final ResourceClient client;
    private final Informer claims;
    private final Informer volumes;
    private final Informer classes;
    /** Volumes promised to a claim (volume name → claim uid) until the informer shows them claimed. */
    private final Map<String, String> promised = new ConcurrentHashMap<>();

    /**
     * Takes the informers of claims, volumes and classes from the context; a change to any of them may let waiting
     * pods fit, so it runs {@code moveUnschedulable} (upstream's cluster events of the plugin).
     */
    public VolumeBinding(ControllerContext ctx, Runnable moveUnschedulable) {
        client = ctx.client();
        claims = ctx.informers().informer(CLAIMS);
        volumes = ctx.informers().informer(VOLUMES);
        classes = ctx.informers().informer(CLASSES);
        ResourceEventHandler moves = new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode object) {
                moveUnschedulable.run();
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode object) {
                if (!old.path("spec").equals(object.path("spec"))
                        || !old.path("status").path("phase").equals(object.path("status").path("phase"))
                        || !old.path("metadata").path("annotations").equals(object.path("metadata").path("annotations"))) {
                    moveUnschedulable.run();
                }
            }
        };
        ctx.handle(claims, moves);
        ctx.handle(classes, moves);
        ctx.handle(volumes, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode volume) {
                moveUnschedulable.run();
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode volume) {
                if (volume.path("spec").path("claimRef").isObject()) {
                    promised.remove(volume.path("metadata").path("name").asText());
                }
                moves.onUpdate(old, volume);
            }

            @Override
            public void onDelete(ObjectNode volume, boolean finalStateUnknown) {
                promised.remove(volume.path("metadata").path("name").asText());
            }
        });
    }

    /**
     * PreFilter: the pod's claims sorted into bound and waiting ones, or why the pod fits no node at all. A pod
     * without claims gets a {@link PodVolumes} that accepts every node.
     */
    public PodVolumes preFilter(JsonNode pod) {
        String namespace = pod.path("metadata").path("namespace").asText();
        List<ObjectNode> bound = new ArrayList<>();
        List<ObjectNode> waiting = new ArrayList<>();
        boolean unboundImmediate = false;
        for (JsonNode volume : pod.path("spec").path("volumes")) {
            String name = volume.path("persistentVolumeClaim").path("claimName").asText("");
            if (name.isEmpty()) {
                continue;
            }
            Optional<ObjectNode> claim = claims.lister().get(namespace, name);
            if (claim.isEmpty()) {
                return PodVolumes.rejected("persistentvolumeclaim \"" + name + "\" not found");
            }
            if (claim.get().path("metadata").has("deletionTimestamp")) {
                return PodVolumes.rejected("persistentvolumeclaim \"" + name + "\" is being deleted");
            }
            if (!claim.get().path("spec").path("volumeName").asText("").isEmpty()) {
                bound.add(claim.get());
            } else if (delayBinding(claim.get())) {
                waiting.add(claim.get());
            } else {
                unboundImmediate = true;
            }
        }
        if (unboundImmediate) {
            return PodVolumes.rejected(UNBOUND_IMMEDIATE);
        }
        return new PodVolumes(this, bound, waiting);
    }

    /** Whether the claim's class exists and binds once a pod is scheduled (a missing class binds at once). */
    private boolean delayBinding(JsonNode claim) {
        String className = VolumeMatch.claimClass(claim);
        return !className.isEmpty() && classes.lister().get(null, className)
                .map(c -> c.path("volumeBindingMode").asText("").equals("WaitForFirstConsumer")).orElse(false);
    }

    /** Filter for one node; records the node's choices in {@code choices}. */
    List<String> filter(PodVolumes pod, JsonNode node, Map<String, NodeChoices> choices) {
        List<String> reasons = new ArrayList<>();
        String nodeName = node.path("metadata").path("name").asText();
        for (ObjectNode claim : pod.bound()) {
            Optional<ObjectNode> volume = volumes.lister().get(null, claim.path("spec").path("volumeName").asText());
            if (volume.isEmpty()) {
                reasons.add(PV_NOT_EXIST);
            } else if (!VolumeMatch.fitsNode(volume.get(), node) && !reasons.contains(NODE_CONFLICT)) {
                reasons.add(NODE_CONFLICT);
            }
        }
        if (pod.waiting().isEmpty()) {
            return reasons;
        }
        NodeChoices chosen = new NodeChoices(new HashMap<>(), new ArrayList<>());
        boolean satisfied = true;
        List<ObjectNode> all = volumes.lister().list();
        for (ObjectNode claim : pod.waiting()) {
            String selected = claim.path("metadata").path("annotations").path(SELECTED_NODE).asText("");
            if (!selected.isEmpty()) {
                // provisioning was already asked for on a node: only that node will have the volume
                if (!selected.equals(nodeName)) {
                    satisfied = false;
                    break;
                }
                chosen.provisions().add(claim);
                continue;
            }
            String uid = claim.path("metadata").path("uid").asText();
            ObjectNode volume = VolumeMatch.bestOnNode(claim, all, node, v -> {
                String name = v.path("metadata").path("name").asText();
                String promisedTo = promised.get(name);
                return (promisedTo != null && !promisedTo.equals(uid)) || chosen.bindings().containsKey(name);
            });
            if (volume != null) {
                chosen.bindings().put(volume.path("metadata").path("name").asText(), new Binding(volume, claim));
                continue;
            }
            Optional<ObjectNode> storageClass = classes.lister().get(null, VolumeMatch.claimClass(claim));
            String provisioner = storageClass.map(c -> c.path("provisioner").asText("")).orElse("");
            if (provisioner.isEmpty() || provisioner.equals(NO_PROVISIONER)) {
                satisfied = false;
                break;
            }
            chosen.provisions().add(claim);
        }
        if (!satisfied) {
            reasons.add(BIND_CONFLICT);
        } else if (reasons.isEmpty()) {
            choices.put(nodeName, chosen);
        }
        return reasons;
    }

    /**
     * PreBind on the chosen node: volumes pre-bound to their claims (as upstream's binder writes them, with the
     * controller's annotation), claims to provision annotated with the node. A conflict means the cache was stale:
     * the exception makes the scheduling pass run again.
     */
    public void preBind(PodVolumes pod, String node) {
        NodeChoices chosen = pod.choices().get(node);
        if (chosen == null) {
            return;
        }
        for (Map.Entry<String, Binding> e : chosen.bindings().entrySet()) {
            ObjectNode volume = e.getValue().volume().deepCopy();
            ObjectNode claim = e.getValue().claim();
            if (VolumeMatch.boundTo(volume, claim) && !volume.path("spec").path("claimRef").path("uid").asText("")
                    .isEmpty()) {
                continue; // already pre-bound to it
            }
            volume.withObject("/spec").putObject("claimRef").put("kind", "PersistentVolumeClaim")
                    .put("namespace", claim.path("metadata").path("namespace").asText())
                    .put("name", claim.path("metadata").path("name").asText())
                    .put("uid", claim.path("metadata").path("uid").asText()).put("apiVersion", "v1")
                    .put("resourceVersion", claim.path("metadata").path("resourceVersion").asText());
            volume.withObject("/metadata").withObject("/annotations").put(BOUND_BY_CONTROLLER, "yes");
            promised.put(e.getKey(), claim.path("metadata").path("uid").asText());
            try {
                client.resource(VOLUMES).update(volume);
            } catch (RuntimeException failed) {
                promised.remove(e.getKey());
                throw failed;
            }
        }
        for (ObjectNode claim : chosen.provisions()) {
            if (claim.path("metadata").path("annotations").path(SELECTED_NODE).asText("").equals(node)) {
                continue;
            }
            ObjectNode updated = claim.deepCopy();
            updated.withObject("/metadata").withObject("/annotations").put(SELECTED_NODE, node);
            client.resource(CLAIMS).inNamespace(claim.path("metadata").path("namespace").asText()).update(updated);
        }
    }

    /** A volume chosen for a claim. */
    record Binding(ObjectNode volume, ObjectNode claim) {
    }

    /** What PreBind will do if the pod goes to a node: volumes to pre-bind (by name), claims to provision. */
    record NodeChoices(Map<String, Binding> bindings, List<ObjectNode> provisions) {
    }

    /**
     * One pod's claims for one scheduling cycle, the Filter over them, and the choices made per node for PreBind.
     */
    public static final class PodVolumes implements FilterPlugin {
        private final VolumeBinding plugin;
        private final List<ObjectNode> bound;
        private final List<ObjectNode> waiting;
        private final String rejection;
        private final Map<String, NodeChoices> choices = new ConcurrentHashMap<>();

        PodVolumes(VolumeBinding plugin, List<ObjectNode> bound, List<ObjectNode> waiting) {
            this(plugin, bound, waiting, null);
        }

        private PodVolumes(VolumeBinding plugin, List<ObjectNode> bound, List<ObjectNode> waiting, String rejection) {
            this.plugin = plugin;
            this.bound = bound;
            this.waiting = waiting;
            this.rejection = rejection;
        }

        static PodVolumes rejected(String reason) {
            return new PodVolumes(null, List.of(), List.of(), reason);
        }

        /** Why PreFilter refused the pod for every node; null when it did not. */
        public String rejection() {
            return rejection;
        }

        /** Whether the pod names claims at all (a pod without them needs no Filter). */
        public boolean hasClaims() {
            return !bound.isEmpty() || !waiting.isEmpty();
        }

        List<ObjectNode> bound() {
            return bound;
        }

        List<ObjectNode> waiting() {
            return waiting;
        }

        Map<String, NodeChoices> choices() {
            return choices;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public List<String> filter(PodInfo pod, NodeInfo node) {
            return plugin.filter(this, node.node(), choices);
        }
    }
}
