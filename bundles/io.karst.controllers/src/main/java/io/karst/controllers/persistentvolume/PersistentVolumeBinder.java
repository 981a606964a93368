package io.karst.controllers.persistentvolume;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
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
 * kube-controller-manager's PersistentVolume binder ({@code pkg/controller/volume/persistentvolume}): binds claims to
 * volumes (both ways, volume first, then the claim, each with its phase), keeps the phases of both in step, releases
 * the volume of a deleted claim and carries out its reclaim policy. Claims of a {@code WaitForFirstConsumer} class
 * wait until the scheduler pre-binds a volume or names a node for provisioning; claims for which nothing fits are
 * handed to the class's provisioner (annotated for an external one). Keys with a slash are claims, others volumes.
 * One worker, as upstream: two syncs at once could give one volume to two claims.
 */
@Component(service = Controller.class, property = Controller.NAME + "=" + PersistentVolumeBinder.NAME,
        configurationPid = PersistentVolumeBinder.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = PersistentVolumeBinder.Config.class)
public final class PersistentVolumeBinder implements Controller {
    static final String NAME = "persistentvolume-binder";
    static final String PID = "io.karst.controllers.persistentvolume";
    static final ResourceKey VOLUMES = new ResourceKey("", "v1", "persistentvolumes");
    static final ResourceKey CLAIMS = new ResourceKey("", "v1", "persistentvolumeclaims");
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
    static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
    static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
    static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
    static final String STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
    static final String BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner";

    @ObjectClassDefinition(name = "Karst PersistentVolume binder")
    public @interface Config {
        @AttributeDefinition(description = "How often unbound claims and unreclaimed volumes are looked at again "
                + "(--pvclaimbinder-sync-period)")
        long sync_period_seconds() default 15;
    }

    private final Duration syncPeriod;
    private final Clock clock;
    private volatile ResourceClient client;
    private volatile EventRecorder events;
    private volatile Informer volumes;
    private volatile Informer claims;
    private volatile Informer classes;
    private volatile Informer pods;

    @Activate
    public PersistentVolumeBinder(Config config) {
        this(Duration.ofSeconds(config.sync_period_seconds()), Clock.systemUTC());
    }

    PersistentVolumeBinder(Duration syncPeriod, Clock clock) {
        if (syncPeriod.isZero() || syncPeriod.isNegative()) {
            throw new IllegalArgumentException("sync.period.seconds must be positive");
        }
        this.syncPeriod = syncPeriod;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String eventSource() {
        return "persistentvolume-controller";
    }

    @Override
    public void start(ControllerContext ctx) {
        client = ctx.client();
        events = ctx.events();
        volumes = ctx.informers().informer(VOLUMES);
        claims = ctx.informers().informer(CLAIMS);
        classes = ctx.informers().informer(StorageClasses.KEY);
        pods = ctx.informers().informer(PODS);
        ctx.handle(volumes, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode volume) {
                ctx.queue().add(ObjectKeys.of(volume));
                pendingClaims().forEach(ctx.queue()::add); // a new volume may fit a waiting claim
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode volume) {
                ctx.queue().add(ObjectKeys.of(volume));
                claimOf(volume).ifPresent(ctx.queue()::add);
                if (!old.path("status").path("phase").asText().equals("Available")
                        && volume.path("status").path("phase").asText().equals("Available")) {
                    pendingClaims().forEach(ctx.queue()::add);
                }
            }

            @Override
            public void onDelete(ObjectNode volume, boolean finalStateUnknown) {
                claimOf(volume).ifPresent(ctx.queue()::add); // its claim is lost
            }
        });
        ctx.handle(claims, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode claim) {
                ctx.queue().add(ObjectKeys.of(claim));
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode claim) {
                ctx.queue().add(ObjectKeys.of(claim));
            }

            @Override
            public void onDelete(ObjectNode claim, boolean finalStateUnknown) {
                // its volume is released
                String volume = claim.path("spec").path("volumeName").asText("");
                if (!volume.isEmpty()) {
                    ctx.queue().add(volume);
                }
            }
        });
        ResourceEventHandler classChanges = new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode storageClass) {
                pendingClaims().forEach(ctx.queue()::add);
            }
        };
        ctx.handle(classes, classChanges);
        // a pod naming a waiting claim changes what the claim's WaitForFirstConsumer event says
        ctx.handle(pods, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode pod) {
                if (pod.path("spec").path("nodeName").asText("").isEmpty()) {
                    for (JsonNode volume : pod.path("spec").path("volumes")) {
                        String claim = volume.path("persistentVolumeClaim").path("claimName").asText("");
                        if (!claim.isEmpty()) {
                            ctx.queue().add(namespace(pod) + "/" + claim);
                        }
                    }
                }
            }
        });
    }

    private List<String> pendingClaims() {
        List<String> keys = new ArrayList<>();
        for (ObjectNode claim : claims.lister().list()) {
            if (!claim.path("metadata").path("annotations").has(BIND_COMPLETED)) {
                keys.add(ObjectKeys.of(claim));
            }
        }
        return keys;
    }

    private static Optional<String> claimOf(JsonNode volume) {
        JsonNode ref = volume.path("spec").path("claimRef");
        if (!ref.isObject() || ref.path("name").asText("").isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ref.path("namespace").asText("") + "/" + ref.path("name").asText());
    }

    @Override
    public ReconcileResult reconcile(String key) {
        try {
            if (key.contains("/")) {
                Optional<ObjectNode> claim = claims.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key));
                return claim.isEmpty() ? ReconcileResult.DONE : syncClaim(claim.get());
            }
            Optional<ObjectNode> volume = volumes.lister().get(null, key);
            return volume.isEmpty() ? ReconcileResult.DONE : syncVolume(volume.get());
        } catch (ResourceException e) {
            if (e.isNotFound()) {
                return ReconcileResult.DONE; // deleted meanwhile: its deletion brings the key back
            }
            throw e; // a conflict: the queue tries again on the newer objects
        }
    }

    // ------------------------------------------------------------------------------------------------ claims

    private ReconcileResult syncClaim(ObjectNode claim) {
        if (!annotations(claim).has(BIND_COMPLETED)) {
            syncUnboundClaim(claim);
            return ReconcileResult.after(syncPeriod);
        }
        syncBoundClaim(claim);
        return ReconcileResult.DONE;
    }

    private void syncUnboundClaim(ObjectNode claim) {
        String volumeName = claim.path("spec").path("volumeName").asText("");
        if (volumeName.isEmpty()) {
            Optional<ObjectNode> storageClass = classOf(claim);
            boolean delayBinding = storageClass.isPresent() && StorageClasses.waitForFirstConsumer(storageClass.get())
                    && !annotations(claim).has(SELECTED_NODE);
            ObjectNode volume = VolumeMatching.bestMatch(claim, volumes.lister().list(), delayBinding);
            if (volume != null) {
                bind(volume, claim);
                return;
            }
            if (delayBinding) {
                waitingForConsumer(claim);
            } else if (!VolumeMatching.claimClass(claim).isEmpty()) {
                claim = provision(claim, storageClass);
            } else {
                events.event(claim, EventRecorder.NORMAL, "FailedBinding",
                        "no persistent volumes available for this claim and no storage class is set");
            }
            updateClaimStatus(claim, "Pending", null);
            return;
        }
        // the user asked for one volume
        Optional<ObjectNode> found = volumes.lister().get(null, volumeName);
        if (found.isEmpty()) {
            updateClaimStatus(claim, "Pending", null); // it may be created later
            return;
        }
        ObjectNode volume = found.get();
        if (!volume.path("spec").path("claimRef").isObject()) {
            String why = VolumeMatching.whyNot(volume, claim);
            if (why != null) {
                events.event(claim, EventRecorder.WARNING, "VolumeMismatch",
                        "Cannot bind to requested volume \"" + volumeName + "\": " + why);
                updateClaimStatus(claim, "Pending", null);
                return;
            }
            bind(volume, claim);
        } else if (VolumeMatching.boundTo(volume, claim)) {
            bind(volume, claim); // finish what was started: the uid, the phases
        } else if (!annotations(claim).has(BOUND_BY_CONTROLLER)) {
            updateClaimStatus(claim, "Pending", null); // taken by another claim: wait until it is free
        } else {
            throw new IllegalStateException("Invalid binding of claim \"" + ObjectKeys.of(claim) + "\" to volume \""
                    + volumeName + "\": volume already claimed by \"" + claimOf(volume).orElse("") + "\"");
        }
    }

    /** Upstream's event for a claim whose class waits for a pod: which pods, if some are not scheduled yet. */
    private void waitingForConsumer(ObjectNode claim) {
        List<String> waiting = new ArrayList<>();
        String name = claim.path("metadata").path("name").asText();
        for (ObjectNode pod : pods.lister().list(claim.path("metadata").path("namespace").asText())) {
            if (!pod.path("spec").path("nodeName").asText("").isEmpty()) {
                continue;
            }
            for (JsonNode volume : pod.path("spec").path("volumes")) {
                if (volume.path("persistentVolumeClaim").path("claimName").asText().equals(name)) {
                    waiting.add(pod.path("metadata").path("name").asText());
                    break;
                }
            }
        }
        waiting.sort(null);
        if (waiting.isEmpty()) {
            events.event(claim, EventRecorder.NORMAL, "WaitForFirstConsumer",
                    "waiting for first consumer to be created before binding");
        } else if (waiting.size() == 1) {
            events.event(claim, EventRecorder.NORMAL, "WaitForPodScheduled",
                    "waiting for pod " + waiting.get(0) + " to be scheduled");
        } else {
            events.event(claim, EventRecorder.NORMAL, "WaitForPodScheduled",
                    "waiting for pods " + String.join(",", waiting) + " to be scheduled");
        }
    }

    /**
     * Nothing fits: the class's provisioner is to make a volume. Karst has no in-tree provisioners, so a
     * {@code kubernetes.io/} one fails as upstream's plugin lookup does; any other is external and the claim is
     * annotated for it.
     *
     * @return the claim as it now is
     */
    private ObjectNode provision(ObjectNode claim, Optional<ObjectNode> storageClass) {
        if (storageClass.isEmpty()) {
            events.event(claim, EventRecorder.WARNING, "ProvisioningFailed",
                    "storageclass.storage.k8s.io \"" + VolumeMatching.claimClass(claim) + "\" not found");
            return claim;
        }
        String provisioner = storageClass.get().path("provisioner").asText("");
        if (provisioner.startsWith("kubernetes.io/")) {
            events.event(claim, EventRecorder.WARNING, "ProvisioningFailed",
                    "no volume plugin matched name: " + provisioner);
            return claim;
        }
        JsonNode annotations = annotations(claim);
        if (!annotations.path(STORAGE_PROVISIONER).asText("").equals(provisioner)
                || !annotations.path(BETA_STORAGE_PROVISIONER).asText("").equals(provisioner)) {
            ObjectNode updated = claim.deepCopy();
            updated.withObject("/metadata").withObject("/annotations").put(STORAGE_PROVISIONER, provisioner)
                    .put(BETA_STORAGE_PROVISIONER, provisioner);
            claim = client.resource(CLAIMS).inNamespace(namespace(claim)).update(updated);
        }
        events.event(claim, EventRecorder.NORMAL, "ExternalProvisioning", "Waiting for a volume to be created "
                + "either by the external provisioner '" + provisioner + "' or manually by the system administrator. "
                + "If volume creation is delayed, please verify that the provisioner is running and correctly "
                + "registered.");
        return claim;
    }

    private void syncBoundClaim(ObjectNode claim) {
        String volumeName = claim.path("spec").path("volumeName").asText("");
        if (volumeName.isEmpty()) {
            lose(claim, "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!");
            return;
        }
        Optional<ObjectNode> volume = volumes.lister().get(null, volumeName);
        if (volume.isEmpty()) {
            lose(claim, "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
            return;
        }
        JsonNode ref = volume.get().path("spec").path("claimRef");
        if (!ref.isObject() || ref.path("uid").asText("").equals(uid(claim))) {
            bind(volume.get(), claim); // unbound meanwhile, or all well: put everything in place
            return;
        }
        lose(claim, "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly");
    }

    private void lose(ObjectNode claim, String reason, String message) {
        if (!claim.path("status").path("phase").asText().equals("Lost")) {
            ObjectNode updated = updateClaimStatus(claim, "Lost", null);
            events.event(updated, EventRecorder.WARNING, reason, message);
        }
    }

    // ------------------------------------------------------------------------------------------------ volumes

    private ReconcileResult syncVolume(ObjectNode volume) {
        JsonNode ref = volume.path("spec").path("claimRef");
        if (!ref.isObject() || ref.path("uid").asText("").isEmpty()) {
            // unused, or reserved for a claim whose sync will bind it
            updateVolumePhase(volume, "Available", null);
            return ReconcileResult.DONE;
        }
        String namespace = ref.path("namespace").asText("");
        String name = ref.path("name").asText("");
        ObjectNode claim = claims.lister().get(namespace, name).orElse(null);
        if (claim == null) {
            // the cache may lag behind a claim just created: ask the API before releasing anything
            claim = client.resource(CLAIMS).inNamespace(namespace).find(name).orElse(null);
        }
        if (claim != null && !uid(claim).equals(ref.path("uid").asText())) {
            claim = null; // a new claim of the same name: the old one is gone
        }
        if (claim == null) {
            String phase = volume.path("status").path("phase").asText("");
            if (!phase.equals("Released") && !phase.equals("Failed")) {
                volume = updateVolumePhase(volume, "Released", null);
            }
            return reclaim(volume);
        }
        String claimVolume = claim.path("spec").path("volumeName").asText("");
        if (claimVolume.isEmpty()) {
            return ReconcileResult.DONE; // the claim's sync finishes the binding
        }
        if (claimVolume.equals(name(volume))) {
            updateVolumePhase(volume, "Bound", null);
            return ReconcileResult.DONE;
        }
        // the claim went to another volume
        if (annotations(volume).has(PROVISIONED_BY)
                && volume.path("spec").path("persistentVolumeReclaimPolicy").asText().equals("Delete")) {
            String phase = volume.path("status").path("phase").asText("");
            if (!phase.equals("Released") && !phase.equals("Failed")) {
                volume = updateVolumePhase(volume, "Released", null);
            }
            return reclaim(volume);
        }
        unbind(volume);
        return ReconcileResult.DONE;
    }

    /** The reclaim policy of a released volume. */
    private ReconcileResult reclaim(ObjectNode volume) {
        String policy = volume.path("spec").path("persistentVolumeReclaimPolicy").asText("");
        switch (policy) {
            case "Retain":
                return ReconcileResult.DONE; // the administrator's to clean up
            case "Recycle":
                // no volume plugin of Karst recycles (upstream's recycler pods are deprecated)
                failVolume(volume, "VolumeFailedRecycle", "No recycler plugin found for the volume!");
                return ReconcileResult.after(syncPeriod);
            case "Delete":
                String provisioner = annotations(volume).path(PROVISIONED_BY).asText("");
                if (!provisioner.isEmpty() && !provisioner.startsWith("kubernetes.io/")) {
                    return ReconcileResult.DONE; // its external provisioner deletes it
                }
                failVolume(volume, "VolumeFailedDelete", "error getting deleter volume plugin for volume \""
                        + name(volume) + "\": no deletable volume plugin matched");
                return ReconcileResult.after(syncPeriod);
            default:
                failVolume(volume, "VolumeUnknownReclaimPolicy", "Volume has unrecognized PersistentVolumeReclaimPolicy");
                return ReconcileResult.DONE;
        }
    }

    private void failVolume(ObjectNode volume, String reason, String message) {
        if (!volume.path("status").path("phase").asText().equals("Failed")) {
            ObjectNode updated = updateVolumePhase(volume, "Failed", message);
            events.event(updated, EventRecorder.WARNING, reason, message);
        }
    }

    /** Undoes a binding the controller made; a user's pre-binding keeps its claim, only the uid goes. */
    private void unbind(ObjectNode volume) {
        ObjectNode updated = volume.deepCopy();
        if (annotations(volume).has(BOUND_BY_CONTROLLER)) {
            ((ObjectNode) updated.get("spec")).remove("claimRef");
            ObjectNode annotations = (ObjectNode) updated.path("metadata").path("annotations");
            annotations.remove(BOUND_BY_CONTROLLER);
            if (annotations.isEmpty()) {
                ((ObjectNode) updated.get("metadata")).remove("annotations");
            }
        } else {
            ((ObjectNode) updated.path("spec").path("claimRef")).remove("uid");
        }
        updateVolumePhase(client.resource(VOLUMES).update(updated), "Available", null);
    }

    // ------------------------------------------------------------------------------------------------ binding

    /** Volume first (claimRef, then phase), then the claim (volumeName and annotations, then status), as upstream. */
    private void bind(ObjectNode volume, ObjectNode claim) {
        volume = bindVolumeToClaim(volume, claim);
        volume = updateVolumePhase(volume, "Bound", null);
        claim = bindClaimToVolume(claim, volume);
        updateClaimStatus(claim, "Bound", volume);
    }

    private ObjectNode bindVolumeToClaim(ObjectNode volume, ObjectNode claim) {
        JsonNode ref = volume.path("spec").path("claimRef");
        boolean boundByUser = VolumeMatching.boundTo(volume, claim);
        boolean dirty = false;
        ObjectNode updated = volume.deepCopy();
        if (!ref.isObject() || !ref.path("name").asText().equals(name(claim))
                || !ref.path("namespace").asText().equals(namespace(claim))
                || !ref.path("uid").asText("").equals(uid(claim))) {
            ObjectNode claimRef = updated.withObject("/spec").putObject("claimRef");
            claimRef.put("kind", "PersistentVolumeClaim").put("namespace", namespace(claim)).put("name", name(claim))
                    .put("uid", uid(claim)).put("apiVersion", "v1")
                    .put("resourceVersion", claim.path("metadata").path("resourceVersion").asText());
            dirty = true;
        }
        if (!boundByUser && !annotations(volume).has(BOUND_BY_CONTROLLER)) {
            updated.withObject("/metadata").withObject("/annotations").put(BOUND_BY_CONTROLLER, "yes");
            dirty = true;
        }
        return dirty ? client.resource(VOLUMES).update(updated) : volume;
    }

    private ObjectNode bindClaimToVolume(ObjectNode claim, ObjectNode volume) {
        boolean boundByUser = claim.path("spec").path("volumeName").asText("").equals(name(volume));
        boolean dirty = false;
        ObjectNode updated = claim.deepCopy();
        if (!boundByUser) {
            updated.withObject("/spec").put("volumeName", name(volume));
            dirty = true;
            if (!annotations(claim).has(BOUND_BY_CONTROLLER)) {
                updated.withObject("/metadata").withObject("/annotations").put(BOUND_BY_CONTROLLER, "yes");
            }
        }
        if (!annotations(claim).has(BIND_COMPLETED)) {
            updated.withObject("/metadata").withObject("/annotations").put(BIND_COMPLETED, "yes");
            dirty = true;
        }
        return dirty ? client.resource(CLAIMS).inNamespace(namespace(claim)).update(updated) : claim;
    }

    /** The claim's phase, with the volume's access modes and capacity when bound, none otherwise. */
    private ObjectNode updateClaimStatus(ObjectNode claim, String phase, ObjectNode volume) {
        ObjectNode status = claim.path("status").isObject() ? ((ObjectNode) claim.get("status")).deepCopy()
                : claim.objectNode();
        status.put("phase", phase);
        if (volume == null) {
            status.remove("accessModes");
            status.remove("capacity");
        } else {
            status.set("accessModes", volume.path("spec").path("accessModes").deepCopy());
            status.set("capacity", volume.path("spec").path("capacity").deepCopy());
        }
        if (status.equals(claim.path("status"))) {
            return claim;
        }
        ObjectNode updated = claim.deepCopy();
        updated.set("status", status);
        return client.resource(CLAIMS).inNamespace(namespace(claim)).updateStatus(updated);
    }

    /** The volume's phase and message; {@code lastPhaseTransitionTime} moves with the phase (upstream 1.31). */
    private ObjectNode updateVolumePhase(ObjectNode volume, String phase, String message) {
        JsonNode old = volume.path("status");
        if (old.path("phase").asText("").equals(phase)) {
            return volume;
        }
        ObjectNode updated = volume.deepCopy();
        ObjectNode status = updated.putObject("status");
        status.put("phase", phase);
        if (message != null) {
            status.put("message", message);
        }
        status.put("lastPhaseTransitionTime", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        return client.resource(VOLUMES).updateStatus(updated);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Optional<ObjectNode> classOf(JsonNode claim) {
        String name = VolumeMatching.claimClass(claim);
        return name.isEmpty() ? Optional.empty() : classes.lister().get(null, name);
    }

    private static JsonNode annotations(JsonNode object) {
        return object.path("metadata").path("annotations");
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    private static String namespace(JsonNode object) {
        return object.path("metadata").path("namespace").asText();
    }

    private static String uid(JsonNode object) {
        return object.path("metadata").path("uid").asText();
    }
}
