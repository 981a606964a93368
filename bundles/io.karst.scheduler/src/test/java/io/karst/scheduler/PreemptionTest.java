package io.karst.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.scheduler.FilterPlugin;
import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;
import io.karst.scheduler.plugins.NodeResourcesFit;
import io.karst.scheduler.plugins.TaintToleration;

/** Victim selection and node choice of {@link Preemption} on hand-made snapshots. */
class PreemptionTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<FilterPlugin> FILTERS = List.of(new TaintToleration(), new NodeResourcesFit());

    static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
    }

    static PodInfo pod(String name, int priority, String cpu, String labels, String started) throws Exception {
        ObjectNode pod = json("{'metadata':{'name':'" + name + "','namespace':'default','labels':" + labels
                + "},'spec':{'priority':" + priority + ",'containers':[{'name':'c','resources':{'requests':{'cpu':'"
                + cpu + "'}}}]},'status':{'startTime':'" + started + "'}}");
        return new PodInfo(pod, Resources.podRequests(pod));
    }

    static NodeInfo node(String name, String cpu, String taints, PodInfo... pods) throws Exception {
        ObjectNode node = json("{'metadata':{'name':'" + name + "'},'spec':{'taints':" + taints + "},"
                + "'status':{'allocatable':{'cpu':'" + cpu + "','memory':'8Gi','pods':'110'}}}");
        return Scheduler.nodeInfo(node, List.of(pods));
    }

    static Preemption.Budget budget(String app, int allowed) throws Exception {
        return new Preemption.Budget("default", json("{'matchLabels':{'app':'" + app + "'}}"), allowed, Set.of());
    }

    private static List<String> names(Preemption.Outcome outcome) {
        return outcome.victims().stream().map(v -> v.path("metadata").path("name").asText()).toList();
    }

    @Test
    void theLeastImportantPodsGoAndTheMostImportantAreReprieved() throws Exception {
        PodInfo preemptor = pod("p", 100, "2", "{}", "2026-11-23T10:00:00Z");
        NodeInfo n = node("n", "4", "[]", pod("old", 10, "2", "{}", "2026-11-23T08:00:00Z"),
                pod("young", 10, "2", "{}", "2026-11-23T09:00:00Z"), pod("high", 200, "0", "{}",
                        "2026-11-23T09:00:00Z"));

        Preemption.Outcome outcome = Preemption.find(preemptor, List.of(n), FILTERS, List.of());

        assertEquals("n", outcome.node());
        // equal priorities: the one that started earlier is more important and stays
        assertEquals(List.of("young"), names(outcome));
    }

    @Test
    void aNodeWithoutBudgetViolationsIsPreferred() throws Exception {
        PodInfo preemptor = pod("p", 100, "2", "{}", "2026-11-23T10:00:00Z");
        NodeInfo guarded = node("a", "2", "[]", pod("db", 0, "2", "{'app':'db'}", "2026-11-23T09:00:00Z"));
        NodeInfo free = node("b", "2", "[]", pod("batch", 50, "2", "{'app':'batch'}", "2026-11-23T09:00:00Z"));

        Preemption.Outcome outcome = Preemption.find(preemptor, List.of(guarded, free), FILTERS,
                List.of(budget("db", 0)));

        // the batch pod has a higher priority than the db pod, yet evicting it breaks no budget
        assertEquals("b", outcome.node());
        assertEquals(List.of("batch"), names(outcome));
    }

    @Test
    void withEqualViolationsTheNodeWithTheLowestVictimPriorityWins() throws Exception {
        PodInfo preemptor = pod("p", 100, "2", "{}", "2026-11-23T10:00:00Z");
        NodeInfo a = node("a", "2", "[]", pod("mid", 50, "2", "{}", "2026-11-23T09:00:00Z"));
        NodeInfo b = node("b", "2", "[]", pod("low", 5, "2", "{}", "2026-11-23T09:00:00Z"));

        assertEquals("b", Preemption.find(preemptor, List.of(a, b), FILTERS, List.of()).node());
    }

    @Test
    void anEmptyBudgetSelectorProtectsNothing() throws Exception {
        PodInfo preemptor = pod("p", 100, "2", "{}", "2026-11-23T10:00:00Z");
        NodeInfo a = node("a", "2", "[]", pod("x", 0, "2", "{'app':'x'}", "2026-11-23T09:00:00Z"));
        Preemption.Budget everything = new Preemption.Budget("default", json("{}"), 0, Set.of());

        Preemption.Outcome outcome = Preemption.find(preemptor, List.of(a), FILTERS, List.of(everything));

        assertEquals("a", outcome.node());
    }

    @Test
    void whyNotIsCountedPerNodeAsUpstreamSaysIt() throws Exception {
        PodInfo preemptor = pod("p", 100, "8", "{}", "2026-11-23T10:00:00Z");
        NodeInfo tainted = node("t", "16", "[{'key':'gpu','value':'yes','effect':'NoSchedule'}]");
        NodeInfo small = node("s", "4", "[]", pod("low", 0, "2", "{}", "2026-11-23T09:00:00Z"));
        NodeInfo empty = node("e", "4", "[]");

        Preemption.Outcome outcome = Preemption.find(preemptor, List.of(tainted, small, empty), FILTERS, List.of());

        assertFalse(outcome.found());
        assertEquals("0/3 nodes are available: 1 Insufficient cpu, 1 No preemption victims found for incoming pod, "
                + "1 Preemption is not helpful for scheduling.", outcome.message());
    }

    @Test
    void neverAndATerminatingVictimOnTheNominatedNodeMakeAPodIneligible() throws Exception {
        PodInfo never = pod("p", 100, "2", "{}", "2026-11-23T10:00:00Z");
        never.pod().with("spec").put("preemptionPolicy", "Never");
        NodeInfo n = node("n", "2", "[]", pod("low", 0, "2", "{}", "2026-11-23T09:00:00Z"));
        assertEquals("not eligible due to preemptionPolicy=Never.",
                Preemption.find(never, List.of(n), FILTERS, List.of()).message());

        PodInfo nominated = pod("q", 100, "2", "{}", "2026-11-23T10:00:00Z");
        nominated.pod().with("status").put("nominatedNodeName", "n");
        PodInfo going = pod("going", 0, "2", "{}", "2026-11-23T09:00:00Z");
        going.pod().with("metadata").put("deletionTimestamp", "2026-11-23T10:00:01Z");
        Preemption.Outcome waiting = Preemption.find(nominated, List.of(node("n", "2", "[]", going)), FILTERS,
                List.of());
        assertFalse(waiting.found());
        assertTrue(waiting.message().contains("terminating pod on the nominated node"), waiting.message());
    }
}
