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

/** InterPodAffinity on hand-made zones: required affinity and anti-affinity both ways, the first pod, scores. */
class InterPodAffinityTest {
    private final InterPodAffinity plugin = new InterPodAffinity();

    private static PodInfo pod(String namespace, String labels, String affinity) {
        ObjectNode pod = json("{'metadata':{'name':'p','namespace':'" + namespace + "','labels':" + labels
                + "},'spec':{'affinity':" + affinity + "}}");
        return new PodInfo(pod, Resources.podRequests(pod));
    }

    private static String term(String app) {
        return "{'labelSelector':{'matchLabels':{'app':'" + app + "'}},'topologyKey':'zone'}";
    }

    private static String required(String kind, String app) {
        return "{'" + kind + "':{'requiredDuringSchedulingIgnoredDuringExecution':[" + term(app) + "]}}";
    }

    private List<NodeInfo> cluster(PodInfo... inZoneA) {
        return List.of(node("a1", "{'zone':'a'}", "{}", SMALL, inZoneA), node("a2", "{'zone':'a'}", "{}", SMALL),
                node("b1", "{'zone':'b'}", "{}", SMALL), node("x1", "{}", "{}", SMALL));
    }

    private List<String> filter(PodInfo pod, List<NodeInfo> cluster, String node) {
        return plugin.filter(pod, cluster.stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow(),
                cluster);
    }

    @Test
    void requiredAffinityWantsAMatchingPodInTheSameZone() {
        List<NodeInfo> cluster = cluster(pod("default", "{'app':'db'}", "{}"));
        PodInfo web = pod("default", "{'app':'web'}", required("podAffinity", "db"));
        assertTrue(filter(web, cluster, "a2").isEmpty(), "the db pod is in zone a");
        assertEquals(List.of(InterPodAffinity.AFFINITY), filter(web, cluster, "b1"));
        assertEquals(List.of(InterPodAffinity.AFFINITY), filter(web, cluster, "x1"), "no zone label");
        // a db pod in another namespace does not count
        PodInfo elsewhere = pod("other", "{'app':'web'}", required("podAffinity", "db"));
        assertEquals(List.of(InterPodAffinity.AFFINITY), filter(elsewhere, cluster, "a2"));
    }

    @Test
    void theFirstPodOfAGroupThatWantsItsOwnKindMayGoAnywhereWithTheKey() {
        List<NodeInfo> cluster = cluster();
        PodInfo first = pod("default", "{'app':'cache'}", required("podAffinity", "cache"));
        assertTrue(filter(first, cluster, "b1").isEmpty());
        assertEquals(List.of(InterPodAffinity.AFFINITY), filter(first, cluster, "x1"));
        PodInfo unlike = pod("default", "{'app':'web'}", required("podAffinity", "cache"));
        assertEquals(List.of(InterPodAffinity.AFFINITY), filter(unlike, cluster, "b1"));
    }

    @Test
    void requiredAntiAffinityKeepsPodsApartBothWays() {
        List<NodeInfo> cluster = cluster(pod("default", "{'app':'web'}", required("podAntiAffinity", "web")));
        PodInfo another = pod("default", "{'app':'web'}", "{}");
        // the existing pod's anti-affinity refuses the newcomer anywhere in zone a
        assertEquals(List.of(InterPodAffinity.EXISTING_ANTI_AFFINITY), filter(another, cluster, "a2"));
        assertTrue(filter(another, cluster, "b1").isEmpty());
        // and the newcomer's own anti-affinity
        List<NodeInfo> plain = cluster(pod("default", "{'app':'web'}", "{}"));
        PodInfo apart = pod("default", "{'app':'web'}", required("podAntiAffinity", "web"));
        assertEquals(List.of(InterPodAffinity.ANTI_AFFINITY), filter(apart, plain, "a1"));
        assertTrue(filter(apart, plain, "b1").isEmpty());
        assertTrue(filter(apart, plain, "x1").isEmpty(), "no zone: no pod shares it");
    }

    @Test
    void preferredTermsScoreTheZoneWithMatchingPodsHigherOrLower() {
        List<NodeInfo> cluster = cluster(pod("default", "{'app':'db'}", "{}"), pod("default", "{'app':'db'}", "{}"));
        PodInfo near = pod("default", "{'app':'web'}", "{'podAffinity':{'preferredDuringSchedulingIgnoredDuring"
                + "Execution':[{'weight':10,'podAffinityTerm':" + term("db") + "}]}}");
        Map<String, Long> scores = scores(near, cluster);
        assertEquals(100L, scores.get("a1"));
        assertEquals(100L, scores.get("a2"));
        assertEquals(0L, scores.get("b1"));
        PodInfo far = pod("default", "{'app':'web'}", "{'podAntiAffinity':{'preferredDuringSchedulingIgnored"
                + "DuringExecution':[{'weight':10,'podAffinityTerm':" + term("db") + "}]}}");
        Map<String, Long> apart = scores(far, cluster);
        assertEquals(0L, apart.get("a1"));
        assertEquals(100L, apart.get("b1"));
    }

    private Map<String, Long> scores(PodInfo pod, List<NodeInfo> cluster) {
        Map<String, Long> scores = new HashMap<>();
        for (NodeInfo n : cluster) {
            scores.put(n.name(), plugin.score(pod, n, cluster));
        }
        plugin.normalize(pod, scores);
        return scores;
    }

    @Test
    void aNodeThatGainsAPodWithAntiAffinityBetweenCyclesIsSeenInTheNext() {
        // the plugin remembers each cycle's nodes: a node replaced by one with another pod must not be answered
        // from the last cycle
        PodInfo web = pod("default", "{'app':'web'}", "{}");
        List<NodeInfo> before = cluster(pod("default", "{'app':'web'}", "{}"));
        assertTrue(filter(web, before, "a2").isEmpty());
        List<NodeInfo> after = new java.util.ArrayList<>(before);
        after.set(0, node("a1", "{'zone':'a'}", "{}", SMALL, pod("default", "{'app':'db'}",
                required("podAntiAffinity", "web"))));
        assertEquals(List.of(InterPodAffinity.EXISTING_ANTI_AFFINITY), filter(web, List.copyOf(after), "a2"));
        // and back: the pod gone again
        assertTrue(filter(web, List.copyOf(before), "a2").isEmpty());
    }
}
