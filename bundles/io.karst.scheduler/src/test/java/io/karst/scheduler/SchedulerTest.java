package io.karst.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.karst.scheduler.plugins.NodePorts;
import io.karst.scheduler.plugins.NodeResourcesFit;
import io.karst.scheduler.plugins.NodeUnschedulable;
import io.karst.scheduler.plugins.TaintToleration;

/** The scheduler against the real resource API over SQLite, with Nodes of different sizes, labels and taints. */
class SchedulerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController scheduler;
    ResourceOperations pods;
    ResourceOperations nodes;

    @BeforeEach
    void start() throws Exception {
        api = new InProcessApi(dir);
        pods = api.client().resource(Scheduler.PODS).inNamespace("default");
        nodes = api.client().resource(Scheduler.NODES);
        node("small", "{'disk':'ssd'}", "[]", "1", "2Gi");
        node("big", "{}", "[]", "4", "8Gi");
        node("gpu", "{}", "[{'key':'dedicated','value':'gpu','effect':'NoSchedule'}]", "8", "8Gi");
        NodeResourcesFit fit = new NodeResourcesFit();
        TaintToleration taints = new TaintToleration();
        NodeAffinity affinity = new NodeAffinity();
        // a deliberately shuffled plugin list: the scheduler runs filters in upstream's order anyway
        scheduler = new RunningController(new Scheduler(List.of(fit, new NodePorts(), affinity, taints,
                new NodeName(), new NodeUnschedulable()), List.of(fit, taints, affinity)), api.client());
    }

    @AfterEach
    void stop() {
        scheduler.close();
        api.close();
    }

    static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
    }

    private void node(String name, String labels, String taints, String cpu, String memory) throws Exception {
        ObjectNode node = nodes.create(json("{'apiVersion':'v1','kind':'Node','metadata':{'name':'" + name
                + "','labels':" + labels + "},'spec':{'taints':" + taints + "}}"));
        node.putObject("status").set("allocatable", json("{'cpu':'" + cpu + "','memory':'" + memory
                + "','pods':'110'}"));
        nodes.updateStatus(node);
    }

    private void pod(String name, String cpu, String extraSpec) throws Exception {
        pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "'},'spec':{" + extraSpec
                + "'containers':[{'name':'c','image':'busybox','resources':{'requests':{'cpu':'" + cpu + "'}}}]}}"));
    }

    private String nodeOf(String pod) {
        return pods.get(pod).path("spec").path("nodeName").asText("");
    }

    private JsonNode scheduledCondition(String pod) {
        for (JsonNode c : pods.get(pod).path("status").path("conditions")) {
            if (c.path("type").asText().equals("PodScheduled")) {
                return c;
            }
        }
        return null;
    }

    private List<JsonNode> events(String pod, String reason) {
        return api.client().resource(new ResourceKey("", "v1", "events")).inNamespace("default").list().items()
                .stream().filter(e -> e.path("involvedObject").path("name").asText().equals(pod)
                        && e.path("reason").asText().equals(reason))
                .map(e -> (JsonNode) e).toList();
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

    /** Proxies {@code target}, failing the first {@code create(…, "binding", …)} with a 500. */
    @SuppressWarnings("unchecked")
    static <T> T failingFirstBinding(Class<T> type, Object target, java.util.concurrent.atomic.AtomicInteger tries) {
        return (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    if (method.getName().equals("create") && args != null && args.length == 3
                            && "binding".equals(args[1]) && tries.getAndIncrement() == 0) {
                        throw new io.karst.api.client.ResourceException(500, "InternalError", "etcd was away", null);
                    }
                    Object result;
                    try {
                        result = method.invoke(target, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    return result instanceof ResourceOperations ops
                            ? failingFirstBinding(ResourceOperations.class, ops, tries) : result;
                });
    }

    @Test
    void aBindingFailingInTheBindingCycleIsForgottenAndThePodBoundInALaterPass() throws Exception {
        scheduler.close();
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        NodeResourcesFit fit = new NodeResourcesFit();
        scheduler = new RunningController(new Scheduler(List.of(fit), List.of(fit)),
                failingFirstBinding(io.karst.api.client.ResourceClient.class, api.client(), tries));
        pod("retried", "3", "");
        await("binding", () -> !nodeOf("retried").isEmpty());
        assertEquals(2, tries.get(), "failed once, then bound in a later pass");
        // without the pod queued again nothing would try it before the 5-minute retry of unschedulable pods
        await("Scheduled event", () -> events("retried", "Scheduled").size() == 1);
    }

    @Test
    void aPodGoesToTheOnlyNodeWithRoomAndTheBindingSetsItsNodeAndAnEvent() throws Exception {
        pod("two-cores", "2", "");
        await("binding", () -> !nodeOf("two-cores").isEmpty());
        assertEquals("big", nodeOf("two-cores"));
        await("Scheduled event", () -> !events("two-cores", "Scheduled").isEmpty());
        JsonNode event = events("two-cores", "Scheduled").get(0);
        assertEquals("Normal", event.path("type").asText());
        assertEquals("Successfully assigned default/two-cores to big", event.path("message").asText());
    }

    @Test
    void nodeSelectorAndTolerationsSteerPods() throws Exception {
        pod("on-ssd", "100m", "'nodeSelector':{'disk':'ssd'},");
        pod("on-gpu", "6", "'tolerations':[{'key':'dedicated','operator':'Exists','effect':'NoSchedule'}],");
        await("both bound", () -> !nodeOf("on-ssd").isEmpty() && !nodeOf("on-gpu").isEmpty());
        assertEquals("small", nodeOf("on-ssd"));
        assertEquals("gpu", nodeOf("on-gpu")); // the only node with 6 free cores, reachable by the toleration
    }

    @Test
    void podsAlreadyBoundUseUpANodesRoom() throws Exception {
        pod("first", "3", "");
        await("first bound", () -> !nodeOf("first").isEmpty());
        assertEquals("big", nodeOf("first"));
        pod("second", "3", "");
        await("second unschedulable", () -> scheduledCondition("second") != null);
        assertEquals("", nodeOf("second"));
        assertEquals("0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, "
                + "2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for "
                + "scheduling, 2 No preemption victims found for incoming pod.",
                scheduledCondition("second").path("message").asText());
        // the first pod finishing frees its cores
        ObjectNode first = pods.get("first");
        first.withObject("/status").put("phase", "Succeeded");
        pods.updateStatus(first);
        await("second bound", () -> !nodeOf("second").isEmpty());
        assertEquals("big", nodeOf("second"));
    }

    @Test
    void aPodBoundByOthersBetweenPassesUsesUpItsNodesRoomAtOnce() throws Exception {
        // a first pass leaves a snapshot the next passes keep (a second at most) while nothing they do not follow
        // changes; a pod bound by someone else is such a change
        pod("warm", "100m", "'nodeSelector':{'disk':'ssd'},");
        await("warm bound", () -> !nodeOf("warm").isEmpty());
        pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'elsewhere'},'spec':{'nodeName':'big',"
                + "'containers':[{'name':'c','image':'busybox','resources':{'requests':{'cpu':'3'}}}]}}"));
        pod("mine", "3", "");
        await("mine unschedulable", () -> scheduledCondition("mine") != null);
        assertEquals("", nodeOf("mine"));
        assertTrue(scheduledCondition("mine").path("message").asText().contains("2 Insufficient cpu"),
                scheduledCondition("mine").toString());
        // and its deletion frees the room again
        pods.delete("elsewhere", io.karst.api.client.DeleteOptions.NONE.withGracePeriodSeconds(0L)); // no kubelet
        await("mine bound", () -> !nodeOf("mine").isEmpty());
        assertEquals("big", nodeOf("mine"));
    }

    @Test
    void anUnschedulablePodSaysWhyAndIsPlacedOnceANodeAppears() throws Exception {
        pod("huge", "16", "");
        await("PodScheduled condition", () -> scheduledCondition("huge") != null);
        JsonNode condition = scheduledCondition("huge");
        assertEquals("False", condition.path("status").asText());
        assertEquals("Unschedulable", condition.path("reason").asText());
        // the running pods are no lower priority, and removing them would not make room either
        String message = "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, "
                + "2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for "
                + "scheduling, 2 No preemption victims found for incoming pod.";
        assertEquals(message, condition.path("message").asText());
        await("FailedScheduling event", () -> !events("huge", "FailedScheduling").isEmpty());
        JsonNode event = events("huge", "FailedScheduling").get(0);
        assertEquals("Warning", event.path("type").asText());
        assertEquals(message, event.path("message").asText());
        assertEquals("", nodeOf("huge"));

        node("large", "{}", "[]", "32", "64Gi");
        await("bound to the new node", () -> !nodeOf("huge").isEmpty());
        assertEquals("large", nodeOf("huge"));
    }

    @Test
    void theHigherPriorityPodGetsTheOnlyRoomAndEqualPrioritiesGoInArrivalOrder() throws Exception {
        api.client().resource(new ResourceKey("scheduling.k8s.io", "v1", "priorityclasses")).create(json(
                "{'apiVersion':'scheduling.k8s.io/v1','kind':'PriorityClass','metadata':{'name':'high'},'value':1000}"));
        pod("early", "20", "");
        pod("low", "20", "");
        pod("high", "20", "'priorityClassName':'high',");
        assertEquals(1000, pods.get("high").path("spec").path("priority").asInt(), "set by admission");
        await("all three unschedulable", () -> scheduledCondition("early") != null
                && scheduledCondition("low") != null && scheduledCondition("high") != null);
        node("room-for-one", "{}", "[]", "24", "8Gi");
        await("high bound", () -> !nodeOf("high").isEmpty());
        assertEquals("room-for-one", nodeOf("high"));
        Thread.sleep(300);
        assertEquals("", nodeOf("early"));
        assertEquals("", nodeOf("low"));
        ObjectNode high = pods.get("high");
        high.withObject("/status").put("phase", "Succeeded"); // its room is freed (a deletion would wait for a kubelet)
        pods.updateStatus(high);
        await("early bound", () -> !nodeOf("early").isEmpty()); // it came before low
        assertEquals("", nodeOf("low"));
    }

    @Test
    void podsForAnotherSchedulerAreLeftAlone() throws Exception {
        pod("other", "100m", "'schedulerName':'my-scheduler',");
        pod("mine", "100m", "");
        await("mine bound", () -> !nodeOf("mine").isEmpty());
        Thread.sleep(300);
        assertEquals("", nodeOf("other"));
        assertTrue(scheduledCondition("other") == null);
    }

    private void priorityClass(String name, int value, String preemptionPolicy) throws Exception {
        api.client().resource(new ResourceKey("scheduling.k8s.io", "v1", "priorityclasses")).create(json(
                "{'apiVersion':'scheduling.k8s.io/v1','kind':'PriorityClass','metadata':{'name':'" + name
                        + "'},'value':" + value + ",'preemptionPolicy':'" + preemptionPolicy + "'}"));
    }

    @Test
    void aHigherPriorityPodEvictsOnlyWhatItNeedsAndTakesTheRoomOnceTheVictimIsGone() throws Exception {
        priorityClass("urgent", 1000, "PreemptLowerPriority");
        pod("low-a", "2", "'nodeName':'big',");
        pod("low-b", "2", "'nodeName':'big',");

        pod("vip", "2", "'priorityClassName':'urgent',");

        await("a victim terminating", () -> pods.list().items().stream()
                .anyMatch(p -> p.path("metadata").has("deletionTimestamp")));
        List<ObjectNode> terminating = pods.list().items().stream()
                .filter(p -> p.path("metadata").has("deletionTimestamp")).toList();
        assertEquals(1, terminating.size(), "one 2-core victim makes room for 2 cores");
        ObjectNode victim = terminating.get(0);
        String victimName = victim.path("metadata").path("name").asText();
        JsonNode disruption = null;
        for (JsonNode c : victim.path("status").path("conditions")) {
            if (c.path("type").asText().equals("DisruptionTarget")) {
                disruption = c;
            }
        }
        assertEquals("PreemptionByScheduler", disruption.path("reason").asText());
        await("Preempted event", () -> !events(victimName, "Preempted").isEmpty());
        assertEquals("Preempted by pod " + pods.get("vip").path("metadata").path("uid").asText() + " on node big",
                events(victimName, "Preempted").get(0).path("message").asText());
        await("nominated", () -> pods.get("vip").path("status").path("nominatedNodeName").asText("").equals("big"));
        assertEquals("", nodeOf("vip"), "not placed while the victim still holds its cores");

        // the victim's kubelet finishes it
        pods.delete(victimName, io.karst.api.client.DeleteOptions.NONE.withGracePeriodSeconds(0L));

        await("vip bound", () -> !nodeOf("vip").isEmpty());
        assertEquals("big", nodeOf("vip"));
        String survivor = victimName.equals("low-a") ? "low-b" : "low-a";
        assertTrue(pods.find(survivor).isPresent());
    }

    @Test
    void aPodWithPreemptionPolicyNeverWaitsAndEvictsNothing() throws Exception {
        priorityClass("polite", 1000, "Never");
        pod("low", "4", "'nodeName':'big',");

        pod("patient", "2", "'priorityClassName':'polite',");

        await("unschedulable", () -> scheduledCondition("patient") != null);
        assertEquals("0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu."
                + " preemption: not eligible due to preemptionPolicy=Never.",
                scheduledCondition("patient").path("message").asText());
        assertTrue(!pods.get("low").path("metadata").has("deletionTimestamp"));
    }

    @Test
    void podsOfEqualPriorityAreNeverVictims() throws Exception {
        priorityClass("same", 1000, "PreemptLowerPriority");
        pod("peer", "4", "'nodeName':'big','priorityClassName':'same',");

        pod("newcomer", "2", "'priorityClassName':'same',");

        await("unschedulable", () -> scheduledCondition("newcomer") != null);
        assertTrue(scheduledCondition("newcomer").path("message").asText().endsWith("preemption: 0/3 nodes are "
                + "available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for "
                + "incoming pod."), scheduledCondition("newcomer").toString());
        assertTrue(!pods.get("peer").path("metadata").has("deletionTimestamp"));
    }
}
