package io.karst.scheduler.plugins;

import static io.karst.scheduler.plugins.PluginsTest.SMALL;
import static io.karst.scheduler.plugins.PluginsTest.json;
import static io.karst.scheduler.plugins.PluginsTest.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;
import io.karst.scheduler.Resources;
import io.karst.scheduler.Scheduler;

/** PodTopologySpread on hand-made zones: counts per domain, skew, missing keys, minDomains, scores. */
class PodTopologySpreadTest {
    private final PodTopologySpread plugin = new PodTopologySpread();

    private static PodInfo pod(String labels, String spec) {
        ObjectNode pod = json("{'metadata':{'name':'p','namespace':'default','labels':" + labels + "},'spec':" + spec
                + "}");
        return new PodInfo(pod, Resources.podRequests(pod));
    }

    private static PodInfo web(String namespace) {
        return new PodInfo(json("{'metadata':{'name':'w','namespace':'" + namespace + "','labels':{'app':'web'}},"
                + "'spec':{}}"), Map.of());
    }

    private static String spread(String when, int maxSkew, String extra) {
        return "{'topologySpreadConstraints':[{'maxSkew':" + maxSkew + ",'topologyKey':'zone','whenUnsatisfiable':'"
                + when + "','labelSelector':{'matchLabels':{'app':'web'}}" + extra + "}]}";
    }

    /** zone a: a1 (2 web pods), a2 (1, in another namespace); zone b: b1 (1); c1 without a zone label. */
    private static List<NodeInfo> cluster() {
        return List.of(node("a1", "{'zone':'a'}", "{}", SMALL, web("default"), web("default")),
                node("a2", "{'zone':'a'}", "{}", SMALL, web("other")),
                node("b1", "{'zone':'b'}", "{}", SMALL, web("default")),
                node("c1", "{}", "{}", SMALL));
    }

    private List<String> filter(PodInfo pod, String node) {
        List<NodeInfo> cluster = cluster();
        NodeInfo n = cluster.stream().filter(x -> x.name().equals(node)).findFirst().orElseThrow();
        return plugin.filter(pod, n, cluster);
    }

    @Test
    void doNotScheduleKeepsTheSkewWithinMaxSkew() {
        PodInfo incoming = pod("{'app':'web'}", spread("DoNotSchedule", 1, ""));
        // a has 2 (the other namespace's pod does not count), b has 1: one more in a makes a skew of 2
        assertEquals(List.of(PodTopologySpread.SKEW), filter(incoming, "a1"));
        assertEquals(List.of(PodTopologySpread.SKEW), filter(incoming, "a2"));
        assertTrue(filter(incoming, "b1").isEmpty());
        assertEquals(List.of(PodTopologySpread.MISSING_LABEL), filter(incoming, "c1"));
        // a larger maxSkew allows it
        assertTrue(filter(pod("{'app':'web'}", spread("DoNotSchedule", 2, "")), "a1").isEmpty());
        // a pod its own selector does not match adds nothing to the skew
        assertTrue(filter(pod("{'app':'db'}", spread("DoNotSchedule", 1, "")), "a1").isEmpty());
    }

    @Test
    void fewerDomainsThanMinDomainsCountTheSmallestAsEmpty() {
        PodInfo incoming = pod("{'app':'web'}", spread("DoNotSchedule", 1, ",'minDomains':3"));
        // two domains of the three wanted: the minimum is 0, so b (1 + 1 - 0 = 2) is over the skew too
        assertEquals(List.of(PodTopologySpread.SKEW), filter(incoming, "b1"));
    }

    @Test
    void nodesOutsideThePodsNodeSelectorAreNotCounted() {
        PodInfo incoming = pod("{'app':'web'}", "{'nodeSelector':{'zone':'a'},'topologySpreadConstraints':"
                + "[{'maxSkew':1,'topologyKey':'zone','whenUnsatisfiable':'DoNotSchedule','labelSelector':"
                + "{'matchLabels':{'app':'web'}}}]}");
        // only zone a counts: its own count is the minimum, so a1 fits
        assertTrue(filter(incoming, "a1").isEmpty());
    }

    @Test
    void scheduleAnywayPrefersTheEmptierDomain() {
        PodInfo incoming = pod("{'app':'web'}", spread("ScheduleAnyway", 1, ""));
        List<NodeInfo> cluster = cluster();
        Map<String, Long> scores = new HashMap<>();
        for (NodeInfo n : cluster) {
            scores.put(n.name(), plugin.score(incoming, n, cluster));
        }
        plugin.normalize(incoming, scores);
        assertTrue(scores.get("b1") > scores.get("a1"), scores.toString());
        assertEquals(scores.get("a1"), scores.get("a2"));
        assertEquals(0L, scores.get("c1"));
        assertTrue(filter(incoming, "a1").isEmpty(), "ScheduleAnyway never filters");
    }

    @Test
    void theSchedulerPlacesThePodInTheDomainThatKeepsTheSpread() {
        Scheduler.Decision d = Scheduler.decide(pod("{'app':'web'}", spread("DoNotSchedule", 1, "")), cluster(),
                List.of(plugin), List.of());
        assertEquals("b1", d.node());
        // with zone a alone it is its own minimum; asking for two domains makes the missing one count as empty
        assertEquals("a1", Scheduler.decide(pod("{'app':'web'}", spread("DoNotSchedule", 1, "")),
                List.of(cluster().get(0), cluster().get(3)), List.of(plugin), List.of()).node());
        Scheduler.Decision none = Scheduler.decide(pod("{'app':'web'}", spread("DoNotSchedule", 1,
                ",'minDomains':2")), List.of(cluster().get(0), cluster().get(3)), List.of(plugin), List.of());
        assertEquals("0/2 nodes are available: 1 node(s) didn't match pod topology spread constraints, "
                + "1 node(s) didn't match pod topology spread constraints (missing required label).", none.message());
    }
}
