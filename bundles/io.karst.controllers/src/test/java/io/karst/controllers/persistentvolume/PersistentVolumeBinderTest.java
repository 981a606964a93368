package io.karst.controllers.persistentvolume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;

/**
 * The binder and the protection controllers against the real resource API, with the admission steps in the write
 * path; the test plays users (creating and deleting claims, volumes, classes and pods) and the scheduler (binding a
 * pod, pre-binding a volume).
 */
class PersistentVolumeBinderTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    List<RunningController> controllers;
    ResourceOperations volumes;
    ResourceOperations claims;
    ResourceOperations classes;
    ResourceOperations pods;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        api.addAdmissionPlugin(new DefaultStorageClassAdmission(api.client()));
        api.addAdmissionPlugin(new StorageObjectInUseProtectionAdmission());
        volumes = api.client().resource(PersistentVolumeBinder.VOLUMES);
        claims = api.client().resource(PersistentVolumeBinder.CLAIMS).inNamespace("default");
        classes = api.client().resource(StorageClasses.KEY);
        pods = api.client().resource(PersistentVolumeBinder.PODS).inNamespace("default");
        controllers = List.of(
                new RunningController(new PersistentVolumeBinder(Duration.ofSeconds(1), Clock.systemUTC()),
                        api.client()),
                new RunningController(new PvcProtectionController(), api.client()),
                new RunningController(new PvProtectionController(), api.client()));
    }

    @AfterEach
    void stop() {
        controllers.forEach(RunningController::close);
        api.close();
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private ObjectNode volume(String name, String size, String modes, String extraSpec) {
        return volumes.create(json("{'apiVersion':'v1','kind':'PersistentVolume','metadata':{'name':'" + name
                + "'},'spec':{'capacity':{'storage':'" + size + "'},'accessModes':[" + modes + "],"
                + "'hostPath':{'path':'/data/" + name + "'}" + extraSpec + "}}"));
    }

    private ObjectNode claim(String name, String size, String extraSpec) {
        return claims.create(json("{'apiVersion':'v1','kind':'PersistentVolumeClaim','metadata':{'name':'" + name
                + "'},'spec':{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'" + size + "'}}"
                + extraSpec + "}}"));
    }

    private void storageClass(String name, String provisioner, String mode, boolean isDefault) {
        classes.create(json("{'apiVersion':'storage.k8s.io/v1','kind':'StorageClass','metadata':{'name':'" + name
                + "'" + (isDefault ? ",'annotations':{'storageclass.kubernetes.io/is-default-class':'true'}" : "")
                + "},'provisioner':'" + provisioner + "','volumeBindingMode':'" + mode + "'}"));
    }

    private String phase(ResourceOperations ops, String name) {
        return ops.get(name).path("status").path("phase").asText();
    }

    /** The messages of the events about an object, by reason. */
    private Map<String, String> events(String involved) {
        Map<String, String> found = new java.util.TreeMap<>();
        api.client().resource(new ResourceKey("", "v1", "events")).list().items().stream()
                .filter(e -> e.path("involvedObject").path("name").asText().equals(involved))
                .forEach(e -> found.put(e.path("reason").asText(), e.path("message").asText()));
        return found;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void anImmediateClaimTakesTheSmallestAvailableVolumeThatFitsAndBothAreBound() throws Exception {
        volume("small", "500Mi", "'ReadWriteOnce'", "");
        volume("big", "10Gi", "'ReadWriteOnce'", "");
        volume("fit", "1Gi", "'ReadWriteOnce','ReadOnlyMany'", "");
        volume("read-only", "1Gi", "'ReadOnlyMany'", "");
        volume("block", "1Gi", "'ReadWriteOnce'", ",'volumeMode':'Block'");
        volume("classy", "1Gi", "'ReadWriteOnce'", ",'storageClassName':'gold'");
        // Volumes and claims come through separate watches: a claim seen before a volume cannot pick it.
        for (String name : List.of("small", "big", "fit", "read-only", "block", "classy")) {
            await("volume " + name + " available", () -> phase(volumes, name).equals("Available"));
        }
        ObjectNode created = claim("data", "800Mi", ",'storageClassName':''");
        await("claim bound", () -> phase(claims, "data").equals("Bound"));

        ObjectNode claim = claims.get("data");
        assertEquals("fit", claim.path("spec").path("volumeName").asText());
        assertEquals("yes", claim.path("metadata").path("annotations").path(PersistentVolumeBinder.BIND_COMPLETED)
                .asText());
        assertEquals("yes", claim.path("metadata").path("annotations")
                .path(PersistentVolumeBinder.BOUND_BY_CONTROLLER).asText());
        assertEquals("1Gi", claim.path("status").path("capacity").path("storage").asText());
        assertEquals("[\"ReadWriteOnce\",\"ReadOnlyMany\"]", claim.path("status").path("accessModes").toString());
        assertTrue(Finalizers.has(claim, Finalizers.PVC_PROTECTION));

        await("volume bound", () -> phase(volumes, "fit").equals("Bound"));
        ObjectNode volume = volumes.get("fit");
        JsonNode ref = volume.path("spec").path("claimRef");
        assertEquals("PersistentVolumeClaim", ref.path("kind").asText());
        assertEquals("default", ref.path("namespace").asText());
        assertEquals("data", ref.path("name").asText());
        assertEquals(created.path("metadata").path("uid").asText(), ref.path("uid").asText());
        assertFalse(ref.path("resourceVersion").asText().isEmpty());
        assertEquals("yes", volume.path("metadata").path("annotations")
                .path(PersistentVolumeBinder.BOUND_BY_CONTROLLER).asText());
        assertTrue(Finalizers.has(volume, Finalizers.PV_PROTECTION));
        for (String other : List.of("small", "big", "read-only", "block", "classy")) {
            await(other + " available", () -> phase(volumes, other).equals("Available"));
        }
    }

    @Test
    void aClaimThatNamesItsVolumeAndAVolumeThatNamesItsClaimAreBoundToEachOtherOnly() throws Exception {
        volume("wanted", "5Gi", "'ReadWriteOnce'", "");
        claim("chooser", "1Gi", ",'storageClassName':'','volumeName':'wanted'");
        volume("reserved", "1Gi", "'ReadWriteOnce'", ",'claimRef':{'namespace':'default','name':'owner'}");
        claim("owner", "1Gi", ",'storageClassName':''");
        await("chooser bound", () -> phase(claims, "chooser").equals("Bound"));
        // only now: a claim's volumeName does not reserve the volume (nor upstream), so "other" could take it first
        claim("other", "1Gi", ",'storageClassName':''");
        await("owner bound", () -> phase(claims, "owner").equals("Bound"));
        assertEquals("reserved", claims.get("owner").path("spec").path("volumeName").asText());
        // the user chose both sides: the controller did not
        assertFalse(claims.get("chooser").path("metadata").path("annotations")
                .has(PersistentVolumeBinder.BOUND_BY_CONTROLLER));
        assertFalse(volumes.get("reserved").path("metadata").path("annotations")
                .has(PersistentVolumeBinder.BOUND_BY_CONTROLLER));
        assertEquals("5Gi", claims.get("chooser").path("status").path("capacity").path("storage").asText());
        // the reserved volume is not for "other", which finds nothing
        await("FailedBinding", () -> events("other").containsKey("FailedBinding"));
        assertEquals("no persistent volumes available for this claim and no storage class is set",
                events("other").get("FailedBinding"));
        assertEquals("Pending", phase(claims, "other"));
    }

    @Test
    void aClaimNamingAVolumeThatCannotServeItStaysPendingWithVolumeMismatch() throws Exception {
        volume("tiny", "100Mi", "'ReadWriteOnce'", "");
        claim("greedy", "1Gi", ",'storageClassName':'','volumeName':'tiny'");
        await("VolumeMismatch", () -> events("greedy").containsKey("VolumeMismatch"));
        assertEquals("Cannot bind to requested volume \"tiny\": requested PV is too small",
                events("greedy").get("VolumeMismatch"));
        assertEquals("Pending", phase(claims, "greedy"));
        assertEquals("Available", phase(volumes, "tiny"));
        // a claim naming a volume that does not exist just waits
        claim("hopeful", "1Gi", ",'storageClassName':'','volumeName':'nowhere'");
        Thread.sleep(500);
        assertEquals("Pending", phase(claims, "hopeful"));
    }

    @Test
    void aClaimForAClassThatDoesNotExistFailsToProvisionAndStaysPending() throws Exception {
        volume("plain", "1Gi", "'ReadWriteOnce'", "");
        claim("golden", "1Gi", ",'storageClassName':'gold'");
        await("ProvisioningFailed", () -> events("golden").containsKey("ProvisioningFailed"));
        assertEquals("storageclass.storage.k8s.io \"gold\" not found", events("golden").get("ProvisioningFailed"));
        assertEquals("Pending", phase(claims, "golden"));
        assertEquals("Available", phase(volumes, "plain"));
    }

    @Test
    void aClaimOfAnExternallyProvisionedClassIsAnnotatedForItsProvisioner() throws Exception {
        storageClass("nfs", "example.com/nfs", "Immediate", false);
        storageClass("manual", StorageClasses.NO_PROVISIONER, "Immediate", false);
        claim("shared", "1Gi", ",'storageClassName':'nfs'");
        claim("by-hand", "1Gi", ",'storageClassName':'manual'");
        await("ExternalProvisioning", () -> events("shared").containsKey("ExternalProvisioning"));
        assertEquals("Waiting for a volume to be created either by the external provisioner 'example.com/nfs' or "
                + "manually by the system administrator. If volume creation is delayed, please verify that the "
                + "provisioner is running and correctly registered.", events("shared").get("ExternalProvisioning"));
        JsonNode annotations = claims.get("shared").path("metadata").path("annotations");
        assertEquals("example.com/nfs", annotations.path(PersistentVolumeBinder.STORAGE_PROVISIONER).asText());
        assertEquals("example.com/nfs", annotations.path(PersistentVolumeBinder.BETA_STORAGE_PROVISIONER).asText());
        await("ProvisioningFailed", () -> events("by-hand").containsKey("ProvisioningFailed"));
        assertEquals("no volume plugin matched name: kubernetes.io/no-provisioner",
                events("by-hand").get("ProvisioningFailed"));

        // a volume made by hand for the class is bound
        volume("made", "2Gi", "'ReadWriteOnce'", ",'storageClassName':'manual'");
        await("by-hand bound", () -> phase(claims, "by-hand").equals("Bound"));
    }

    @Test
    void aWaitForFirstConsumerClaimWaitsUntilTheSchedulerPreBindsAVolume() throws Exception {
        storageClass("local", StorageClasses.NO_PROVISIONER, "WaitForFirstConsumer", false);
        volume("disk", "1Gi", "'ReadWriteOnce'", ",'storageClassName':'local'");
        ObjectNode claim = claim("late", "1Gi", ",'storageClassName':'local'");
        await("WaitForFirstConsumer", () -> events("late").containsKey("WaitForFirstConsumer"));
        assertEquals("waiting for first consumer to be created before binding",
                events("late").get("WaitForFirstConsumer"));
        pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'user'},'spec':{'containers':[{'name':"
                + "'c','image':'busybox'}],'volumes':[{'name':'v','persistentVolumeClaim':{'claimName':'late'}}]}}"));
        await("WaitForPodScheduled", () -> events("late").containsKey("WaitForPodScheduled"));
        assertEquals("waiting for pod user to be scheduled", events("late").get("WaitForPodScheduled"));
        Thread.sleep(300);
        assertEquals("Pending", phase(claims, "late"));
        assertEquals("Available", phase(volumes, "disk"));

        // the scheduler's PreBind: the volume's claimRef, as upstream's binder writes it
        ObjectNode disk = volumes.get("disk");
        disk.withObject("/spec").putObject("claimRef").put("kind", "PersistentVolumeClaim").put("apiVersion", "v1")
                .put("namespace", "default").put("name", "late").put("uid", claim.path("metadata").path("uid")
                        .asText());
        disk.withObject("/metadata").withObject("/annotations").put(PersistentVolumeBinder.BOUND_BY_CONTROLLER, "yes");
        volumes.update(disk);
        await("late bound", () -> phase(claims, "late").equals("Bound"));
        assertEquals("disk", claims.get("late").path("spec").path("volumeName").asText());
        await("disk bound", () -> phase(volumes, "disk").equals("Bound"));
    }

    @Test
    void aDeletedClaimReleasesARetainVolumeAndFailsADeleteVolumeNothingCanDelete() throws Exception {
        volume("kept", "1Gi", "'ReadWriteOnce'", ",'storageClassName':'a'");
        volume("dropped", "1Gi", "'ReadWriteOnce'", ",'storageClassName':'b','persistentVolumeReclaimPolicy':"
                + "'Delete'");
        claim("first", "1Gi", ",'storageClassName':'a'");
        claim("second", "1Gi", ",'storageClassName':'b'");
        await("bound", () -> phase(volumes, "kept").equals("Bound") && phase(volumes, "dropped").equals("Bound"));
        claims.delete("first");
        claims.delete("second");
        await("kept released", () -> phase(volumes, "kept").equals("Released"));
        await("dropped failed", () -> phase(volumes, "dropped").equals("Failed"));
        String message = "error getting deleter volume plugin for volume \"dropped\": no deletable volume plugin "
                + "matched";
        assertEquals(message, volumes.get("dropped").path("status").path("message").asText());
        await("event", () -> events("dropped").containsKey("VolumeFailedDelete"));
        assertEquals(message, events("dropped").get("VolumeFailedDelete"));
        // the released volume keeps its claimRef: a new claim of the same name does not get it
        assertEquals("first", volumes.get("kept").path("spec").path("claimRef").path("name").asText());
        claim("first", "1Gi", ",'storageClassName':'a'");
        await("FailedBinding", () -> claims.find("first").isPresent());
        Thread.sleep(500);
        assertEquals("Pending", phase(claims, "first"));
        assertEquals("Released", phase(volumes, "kept"));
    }

    @Test
    void aClaimInUseByAScheduledPodIsKeptUntilThePodGoes() throws Exception {
        volume("disk", "1Gi", "'ReadWriteOnce'", "");
        claim("used", "1Gi", ",'storageClassName':''");
        await("bound", () -> phase(claims, "used").equals("Bound"));
        pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'user'},'spec':{'nodeName':'n1',"
                + "'containers':[{'name':'c','image':'busybox'}],'volumes':[{'name':'v','persistentVolumeClaim':"
                + "{'claimName':'used'}}]}}"));
        claims.delete("used");
        Thread.sleep(500);
        ObjectNode terminating = claims.get("used");
        assertTrue(terminating.path("metadata").has("deletionTimestamp"));
        assertTrue(Finalizers.has(terminating, Finalizers.PVC_PROTECTION));
        // a bound volume cannot go either
        volumes.delete("disk");
        Thread.sleep(300);
        assertTrue(volumes.find("disk").isPresent());

        // a pod with a node is deleted gracefully; grace 0 stands in for the kubelet confirming it stopped
        pods.delete("user", DeleteOptions.NONE.withGracePeriodSeconds(0L));
        await("claim gone", () -> claims.find("used").isEmpty());
        // released, then the volume's own deletion completes
        await("volume gone", () -> volumes.find("disk").isEmpty());
    }

    @Test
    void aClaimWithoutAClassGetsTheNewestDefaultClassAndAnEmptyClassStaysEmpty() throws Exception {
        storageClass("old-default", "example.com/a", "Immediate", true);
        Thread.sleep(1100); // creation timestamps are in seconds
        storageClass("new-default", "example.com/b", "Immediate", true);
        storageClass("other", "example.com/c", "Immediate", false);
        assertEquals("new-default", claim("unnamed", "1Gi", "").path("spec").path("storageClassName").asText());
        assertEquals("", claim("empty", "1Gi", ",'storageClassName':''").path("spec").path("storageClassName")
                .asText());
        assertEquals("other", claim("named", "1Gi", ",'storageClassName':'other'").path("spec")
                .path("storageClassName").asText());
    }

    @Test
    void aLabelSelectorLimitsWhichVolumesAClaimMayTake() throws Exception {
        volume("slow", "1Gi", "'ReadWriteOnce'", "");
        ObjectNode fast = volumes.get("slow").deepCopy();
        fast.remove("status");
        ((ObjectNode) fast.get("metadata")).removeAll().put("name", "fast").putObject("labels").put("speed", "fast");
        ((ObjectNode) fast.get("spec")).putObject("hostPath").put("path", "/data/fast");
        volumes.create(fast);
        claim("picky", "1Gi", ",'storageClassName':'','selector':{'matchLabels':{'speed':'fast'}}");
        claim("pickier", "1Gi", ",'storageClassName':'','selector':{'matchLabels':{'speed':'warp'}}");
        await("picky bound", () -> phase(claims, "picky").equals("Bound"));
        assertEquals("fast", claims.get("picky").path("spec").path("volumeName").asText());
        await("FailedBinding", () -> events("pickier").containsKey("FailedBinding"));
        assertEquals("Pending", phase(claims, "pickier"));
        assertEquals("Available", phase(volumes, "slow"));
    }

    @Test
    void aBoundClaimWhoseVolumeIsForcedAwayIsLost() throws Exception {
        volume("fragile", "1Gi", "'ReadWriteOnce'", "");
        claim("holder", "1Gi", ",'storageClassName':''");
        await("bound", () -> phase(claims, "holder").equals("Bound"));
        volumes.delete("fragile");
        Thread.sleep(300);
        ObjectNode terminating = volumes.get("fragile");
        assertTrue(Finalizers.has(terminating, Finalizers.PV_PROTECTION), "a Bound volume is protected");
        // an administrator removes the finalizer by hand: the volume goes and the claim has lost its data
        volumes.update(Finalizers.without(terminating, Finalizers.PV_PROTECTION));
        await("lost", () -> phase(claims, "holder").equals("Lost"));
        await("ClaimLost", () -> events("holder").containsKey("ClaimLost"));
        assertEquals("Bound claim has lost its PersistentVolume. Data on the volume is lost!",
                events("holder").get("ClaimLost"));
        assertFalse(claims.get("holder").path("status").has("capacity"));
    }
}
