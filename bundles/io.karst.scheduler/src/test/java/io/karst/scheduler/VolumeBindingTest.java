package io.karst.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;
import io.karst.scheduler.plugins.NodeAffinity;
import io.karst.scheduler.plugins.NodeName;
import io.karst.scheduler.plugins.NodeResourcesFit;

/**
 * The scheduler's VolumeBinding against the real resource API, two nodes and no binder: the test plays the binder
 * where a claim must be bound, and checks what PreBind writes for the binder to finish.
 */
class VolumeBindingTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController scheduler;
    ResourceOperations pods;
    ResourceOperations claims;
    ResourceOperations volumes;
    ResourceOperations classes;

    @BeforeEach
    void start() throws Exception {
        api = new InProcessApi(dir);
        pods = api.client().resource(Scheduler.PODS).inNamespace("default");
        claims = api.client().resource(new ResourceKey("", "v1", "persistentvolumeclaims")).inNamespace("default");
        volumes = api.client().resource(new ResourceKey("", "v1", "persistentvolumes"));
        classes = api.client().resource(new ResourceKey("storage.k8s.io", "v1", "storageclasses"));
        ResourceOperations nodes = api.client().resource(Scheduler.NODES);
        for (String name : List.of("a", "b")) {
            ObjectNode node = nodes.create(json("{'apiVersion':'v1','kind':'Node','metadata':{'name':'" + name
                    + "','labels':{'kubernetes.io/hostname':'" + name + "'}}}"));
            node.putObject("status").set("allocatable", json("{'cpu':'4','memory':'8Gi','pods':'110'}"));
            nodes.updateStatus(node);
        }
        NodeResourcesFit fit = new NodeResourcesFit();
        scheduler = new RunningController(new Scheduler(List.of(fit, new NodeName(), new NodeAffinity()),
                List.of(fit)), api.client());
    }

    @AfterEach
    void stop() {
        scheduler.close();
        api.close();
    }

    static ObjectNode json(String s) {
        try {
            return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void pod(String name, String claim) {
        pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "'},'spec':{'containers':"
                + "[{'name':'c','image':'busybox'}],'volumes':[{'name':'data','persistentVolumeClaim':{'claimName':'"
                + claim + "'}}]}}"));
    }

    private ObjectNode claim(String name, String storageClass) {
        return claims.create(json("{'apiVersion':'v1','kind':'PersistentVolumeClaim','metadata':{'name':'" + name
                + "'},'spec':{'accessModes':['ReadWriteOnce'],'storageClassName':'" + storageClass + "',"
                + "'resources':{'requests':{'storage':'1Gi'}}}}"));
    }

    /** A local volume on one node, Available (the binder's first step for a new volume). */
    private void localVolume(String name, String storageClass, String node) {
        ObjectNode volume = volumes.create(json("{'apiVersion':'v1','kind':'PersistentVolume','metadata':{'name':'"
                + name + "'},'spec':{'capacity':{'storage':'2Gi'},'accessModes':['ReadWriteOnce'],"
                + "'storageClassName':'" + storageClass + "','local':{'path':'/mnt/" + name + "'},'nodeAffinity':"
                + "{'required':{'nodeSelectorTerms':[{'matchExpressions':[{'key':'kubernetes.io/hostname',"
                + "'operator':'In','values':['" + node + "']}]}]}}}}"));
        volume.putObject("status").put("phase", "Available");
        volumes.updateStatus(volume);
    }

    private void waitForFirstConsumerClass(String name, String provisioner) {
        classes.create(json("{'apiVersion':'storage.k8s.io/v1','kind':'StorageClass','metadata':{'name':'" + name
                + "'},'provisioner':'" + provisioner + "','volumeBindingMode':'WaitForFirstConsumer'}"));
    }

    /** Binds a claim to a volume as the binder would (both sides), so the pod's claim counts as bound. */
    private void bindAsTheBinderWould(String claimName, String volumeName) {
        ObjectNode claim = claims.get(claimName);
        ObjectNode volume = volumes.get(volumeName);
        volume.withObject("/spec").putObject("claimRef").put("namespace", "default").put("name", claimName)
                .put("uid", claim.path("metadata").path("uid").asText());
        volumes.update(volume);
        claim.withObject("/spec").put("volumeName", volumeName);
        claims.update(claim);
    }

    private String nodeOf(String pod) {
        return pods.get(pod).path("spec").path("nodeName").asText("");
    }

    private String unschedulableMessage(String pod) {
        for (JsonNode c : pods.get(pod).path("status").path("conditions")) {
            if (c.path("type").asText().equals("PodScheduled") && c.path("reason").asText().equals("Unschedulable")) {
                return c.path("message").asText();
            }
        }
        return null;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aPodWhoseClaimDoesNotExistFitsNowhereUntilTheClaimIsCreatedAndBound() throws Exception {
        pod("orphan", "ghost");
        await("unschedulable", () -> unschedulableMessage("orphan") != null);
        assertEquals("0/2 nodes are available: persistentvolumeclaim \"ghost\" not found."
                + " preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
                unschedulableMessage("orphan"));
        // an Immediate claim that is not bound yet keeps it waiting with another reason
        claim("ghost", "");
        await("unbound immediate", () -> unschedulableMessage("orphan").contains("immediate"));
        assertEquals("0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims."
                + " preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
                unschedulableMessage("orphan"));
        localVolume("disk-b", "", "b");
        bindAsTheBinderWould("ghost", "disk-b");
        await("bound", () -> !nodeOf("orphan").isEmpty());
        assertEquals("b", nodeOf("orphan")); // the bound volume's node affinity
    }

    @Test
    void aClaimOfAClassThatDoesNotExistIsAnUnboundImmediateClaim() throws Exception {
        claim("golden", "gold");
        pod("dreamer", "golden");
        // A first pass may come before the scheduler's informer has the claim ("not found"); the claim's arrival
        // queues the pod again.
        await("unbound immediate", () -> unschedulableMessage("dreamer") != null
                && unschedulableMessage("dreamer").contains("immediate"));
        assertEquals("0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims."
                + " preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
                unschedulableMessage("dreamer"));
    }

    @Test
    void aBoundVolumeOnNoNodeThereIsMakesAVolumeNodeAffinityConflict() throws Exception {
        claim("far", "");
        localVolume("disk-z", "", "z");
        bindAsTheBinderWould("far", "disk-z");
        pod("stranded", "far");
        await("unschedulable", () -> unschedulableMessage("stranded") != null);
        assertEquals("0/2 nodes are available: 2 node(s) had volume node affinity conflict."
                + " preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
                unschedulableMessage("stranded"));
    }

    @Test
    void waitForFirstConsumerPicksTheNodeOfAnAvailableVolumeAndPreBindsIt() throws Exception {
        waitForFirstConsumerClass("local", "kubernetes.io/no-provisioner");
        localVolume("disk-a", "local", "a");
        ObjectNode claim = claim("late", "local");
        pod("consumer", "late");
        await("bound", () -> !nodeOf("consumer").isEmpty());
        assertEquals("a", nodeOf("consumer"));
        JsonNode volume = volumes.get("disk-a");
        JsonNode ref = volume.path("spec").path("claimRef");
        assertEquals("late", ref.path("name").asText());
        assertEquals("default", ref.path("namespace").asText());
        assertEquals(claim.path("metadata").path("uid").asText(), ref.path("uid").asText());
        assertEquals("yes", volume.path("metadata").path("annotations").path("pv.kubernetes.io/bound-by-controller")
                .asText());

        // the one volume is taken: a second claim of the class finds none on any node
        claim("later", "local");
        pod("second", "later");
        await("unschedulable", () -> unschedulableMessage("second") != null);
        assertEquals("0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind."
                + " preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
                unschedulableMessage("second"));
        assertFalse(claims.get("later").path("metadata").path("annotations").has("volume.kubernetes.io/selected-node"));

        // a new volume on b lets it in
        localVolume("disk-b", "local", "b");
        await("second bound", () -> !nodeOf("second").isEmpty());
        assertEquals("b", nodeOf("second"));
    }

    @Test
    void twoPodsInOnePassCannotBothTakeTheOnlyVolume() throws Exception {
        waitForFirstConsumerClass("local", "kubernetes.io/no-provisioner");
        claim("one", "local");
        claim("two", "local");
        pod("p1", "one");
        pod("p2", "two");
        localVolume("disk-a", "local", "a"); // both pods are waiting when the volume appears
        await("one placed, one not", () -> (nodeOf("p1").isEmpty() ? 0 : 1) + (nodeOf("p2").isEmpty() ? 0 : 1) == 1
                && (unschedulableMessage("p1") != null || unschedulableMessage("p2") != null));
        Thread.sleep(300);
        assertEquals(1, (nodeOf("p1").isEmpty() ? 0 : 1) + (nodeOf("p2").isEmpty() ? 0 : 1));
    }

    @Test
    void waitForFirstConsumerWithAProvisionerSelectsTheNodeOnTheClaim() throws Exception {
        waitForFirstConsumerClass("fast", "example.com/csi");
        claim("fresh", "fast");
        pod("maker", "fresh");
        await("bound", () -> !nodeOf("maker").isEmpty());
        assertEquals(nodeOf("maker"), claims.get("fresh").path("metadata").path("annotations")
                .path("volume.kubernetes.io/selected-node").asText());
    }

    @Test
    void aClaimBeingDeletedKeepsNewPodsAway() throws Exception {
        ObjectNode claim = claim("leaving", "");
        claim.withObject("/metadata").putArray("finalizers").add("kubernetes.io/pvc-protection");
        claims.update(claim);
        claims.delete("leaving");
        pod("late-comer", "leaving");
        await("unschedulable", () -> unschedulableMessage("late-comer") != null);
        assertEquals("0/2 nodes are available: persistentvolumeclaim \"leaving\" is being deleted."
                + " preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
                unschedulableMessage("late-comer"));
    }
}
