package io.karst.scheduler;

import static io.karst.scheduler.PreemptionTest.node;
import static io.karst.scheduler.PreemptionTest.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.karst.api.scheduler.FilterPlugin;
import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;
import io.karst.api.scheduler.ScorePlugin;

/** Upstream's percentageOfNodesToScore: how many feasible nodes a cycle looks for, and where it starts. */
class NodeSamplingTest {
    /** Rejects nodes whose number is odd, and counts what it was asked. */
    static final class OddNodes implements FilterPlugin {
        final List<String> asked = new ArrayList<>();

        @Override
        public String name() {
            return "OddNodes";
        }

        @Override
        public List<String> filter(PodInfo pod, NodeInfo node) {
            asked.add(node.name());
            return Integer.parseInt(node.name().substring(1)) % 2 == 1 ? List.of("node(s) were odd") : List.of();
        }
    }

    /** Prefers the highest node number. */
    static final ScorePlugin HIGHEST = new ScorePlugin() {
        @Override
        public String name() {
            return "Highest";
        }

        @Override
        public long score(PodInfo pod, NodeInfo node) {
            return Integer.parseInt(node.name().substring(1)) % 100;
        }
    };

    static List<NodeInfo> nodes(int count) throws Exception {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(node("n" + i, "4", "[]"));
        }
        return nodes;
    }

    @Test
    void numFeasibleNodesToFindFollowsUpstream() {
        // the cases of upstream's TestNumFeasibleNodesToFind
        assertEquals(10, Scheduler.numFeasibleNodesToFind(0, 10));
        assertEquals(10, Scheduler.numFeasibleNodesToFind(40, 10));
        assertEquals(420, Scheduler.numFeasibleNodesToFind(0, 1000)); // 50 - 1000/125 = 42 %
        assertEquals(400, Scheduler.numFeasibleNodesToFind(40, 1000));
        assertEquals(300, Scheduler.numFeasibleNodesToFind(0, 6000)); // 50 - 48 < 5: 5 %
        assertEquals(2400, Scheduler.numFeasibleNodesToFind(40, 6000));
        assertEquals(99, Scheduler.numFeasibleNodesToFind(10, 99), "under 100 nodes: all");
        assertEquals(100, Scheduler.numFeasibleNodesToFind(10, 500), "never fewer than 100");
        assertEquals(100, Scheduler.numFeasibleNodesToFind(0, 100)); // 50 - 0 = 50 %: 50, raised to 100
        assertEquals(1000, Scheduler.numFeasibleNodesToFind(100, 1000));
    }

    @Test
    void aPercentageOutsideZeroToHundredIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Scheduler(List.of(), List.of(), 101));
        assertThrows(IllegalArgumentException.class, () -> new Scheduler(List.of(), List.of(), -1));
    }

    @Test
    void filteringStopsOnceEnoughFeasibleNodesAreFoundStartingAtTheGivenIndexAndWrapping() throws Exception {
        List<NodeInfo> nodes = nodes(300);
        OddNodes odd = new OddNodes();
        PodInfo pod = pod("p", 0, "1", "{}", "2026-11-23T10:00:00Z");
        Scheduler.Decision d = Scheduler.decide(pod, nodes, List.of(odd), List.of(HIGHEST), 100, 250);
        // 100 even nodes from n250 on: n250..n298 (25), n0..n148 (75); 199 nodes looked at (n149 no more)
        assertEquals(199, d.processed());
        assertEquals(199, odd.asked.size());
        assertEquals("n250", odd.asked.get(0));
        assertEquals("n0", odd.asked.get(50));
        assertEquals("n148", odd.asked.get(198));
        // only the feasible nodes found are scored: the best of them (n98 scores 98; n298 would too, it ties)
        assertTrue(Set.of("n98", "n298").contains(d.node()), d.node());
    }

    @Test
    void withNoFeasibleNodeEveryNodeIsLookedAtAndCountedInTheMessage() throws Exception {
        List<NodeInfo> nodes = nodes(200);
        FilterPlugin none = new FilterPlugin() {
            @Override
            public String name() {
                return "None";
            }

            @Override
            public List<String> filter(PodInfo pod, NodeInfo node) {
                return List.of("node(s) were refused");
            }
        };
        Scheduler.Decision d = Scheduler.decide(pod("p", 0, "1", "{}", "2026-11-23T10:00:00Z"), nodes,
                List.of(none), List.of(HIGHEST), 100, 150);
        assertNull(d.node());
        assertEquals(200, d.processed());
        assertEquals("0/200 nodes are available: 200 node(s) were refused.", d.message());
    }

    @Test
    void successiveCyclesMoveTheStartSoEveryNodeGetsItsTurn() throws Exception {
        // a scheduler of 1,000 nodes finding 420 each cycle: three cycles cover all nodes, starting where the last
        // one stopped, as upstream's nextStartNodeIndex
        List<NodeInfo> nodes = nodes(1000);
        Set<String> seen = new HashSet<>();
        int start = 0;
        PodInfo pod = pod("p", 0, "1", "{}", "2026-11-23T10:00:00Z");
        for (int cycle = 0; cycle < 3; cycle++) {
            OddNodes odd = new OddNodes();
            Scheduler.Decision d = Scheduler.decide(pod, nodes, List.of(odd), List.of(HIGHEST),
                    Scheduler.numFeasibleNodesToFind(0, nodes.size()), start);
            assertEquals("n" + start, odd.asked.get(0));
            seen.addAll(odd.asked);
            start = (start + d.processed()) % nodes.size();
        }
        assertEquals(1000, seen.size());
    }
}
