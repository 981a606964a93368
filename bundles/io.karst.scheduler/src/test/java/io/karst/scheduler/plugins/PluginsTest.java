package io.karst.scheduler.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;
import io.karst.scheduler.Resources;
import io.karst.scheduler.Scheduler;

/** Each built-in plugin's filter and score on hand-made pods and nodes. */
class PluginsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode json(String s) {
        try {
            return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static PodInfo pod(String spec) {
        ObjectNode pod = json("{'metadata':{'name':'p','namespace':'default'},'spec':" + spec + "}");
        return new PodInfo(pod, Resources.podRequests(pod));
    }

    static NodeInfo node(String name, String labels, String spec, String allocatable, PodInfo... onIt) {
        return Scheduler.nodeInfo(json("{'metadata':{'name':'" + name + "','labels':" + labels + "},'spec':" + spec
                + ",'status':{'allocatable':" + allocatable + "}}"), List.of(onIt));
    }

    static final String SMALL = "{'cpu':'1','memory':'1Gi','pods':'110'}";

    static String containers(String cpu, String memory) {
        return "'containers':[{'name':'c','image':'i','resources':{'requests':{'cpu':'" + cpu + "','memory':'"
                + memory + "'}}}]";
    }

    @Test
    void quantitiesAreReadInMillicoresAndBytes() {
        assertEquals(500, Resources.parse("cpu", "500m"));
        assertEquals(2000, Resources.parse("cpu", "2"));
        assertEquals(1, Resources.parse("cpu", "0.0001")); // rounded up, as upstream
        assertEquals(1073741824L, Resources.parse("memory", "1Gi"));
        assertEquals(128_000_000L, Resources.parse("memory", "128M"));
        assertEquals(1000, Resources.parse("memory", "1e3"));
    }

    @Test
    void podRequestsTakeTheLargerOfContainersAndInitContainersPlusOverhead() {
        PodInfo p = pod("{" + containers("200m", "100Mi") + ",'initContainers':[{'name':'i','image':'i',"
                + "'resources':{'requests':{'cpu':'500m','memory':'10Mi'}}}],'overhead':{'cpu':'50m'}}");
        assertEquals(550, p.requests().get("cpu"));
        assertEquals(100L * 1024 * 1024, p.requests().get("memory"));
    }

    @Test
    void sidecarInitContainersAddToTheContainers() {
        PodInfo p = pod("{" + containers("200m", "0") + ",'initContainers':[{'name':'s','image':'i',"
                + "'restartPolicy':'Always','resources':{'requests':{'cpu':'100m'}}},{'name':'i','image':'i',"
                + "'resources':{'requests':{'cpu':'250m'}}}]}");
        // containers + sidecar = 300m; the init container runs beside the sidecar: 350m
        assertEquals(350, p.requests().get("cpu"));
    }

    @Test
    void nodeResourcesFitCountsPodsAlreadyOnTheNode() {
        NodeResourcesFit fit = new NodeResourcesFit();
        PodInfo big = pod("{" + containers("600m", "100Mi") + "}");
        NodeInfo empty = node("a", "{}", "{}", SMALL);
        NodeInfo half = node("b", "{}", "{}", SMALL, pod("{" + containers("500m", "100Mi") + "}"));
        assertEquals(List.of(), fit.filter(big, empty));
        assertEquals(List.of("Insufficient cpu"), fit.filter(big, half));
        NodeInfo full = node("c", "{}", "{}", "{'cpu':'1','memory':'1Gi','pods':'1'}", pod("{}"));
        assertEquals(List.of("Too many pods"), fit.filter(pod("{}"), full));
        assertEquals(List.of("Insufficient memory"),
                fit.filter(pod("{" + containers("1m", "2Gi") + "}"), empty));
    }

    @Test
    void leastAllocatedPrefersTheEmptierNode() {
        NodeResourcesFit fit = new NodeResourcesFit();
        PodInfo p = pod("{" + containers("100m", "100Mi") + "}");
        NodeInfo empty = node("a", "{}", "{}", SMALL);
        NodeInfo busy = node("b", "{}", "{}", SMALL, pod("{" + containers("500m", "500Mi") + "}"));
        // (1000-100)/1000 = 90, (1024-100)/1024 = 90 → 90; busy: 40, 40 → 40
        assertEquals(90, fit.score(p, empty));
        assertEquals(40, fit.score(p, busy));
    }

    @Test
    void taintsFilterUnlessToleratedAndPreferNoScheduleLowersTheScore() {
        TaintToleration plugin = new TaintToleration();
        NodeInfo tainted = node("a", "{}", "{'taints':[{'key':'dedicated','value':'gpu','effect':'NoSchedule'}]}",
                SMALL);
        assertEquals(List.of("node(s) had untolerated taint {dedicated: gpu}"), plugin.filter(pod("{}"), tainted));
        assertEquals(List.of(), plugin.filter(pod("{'tolerations':[{'key':'dedicated','operator':'Equal',"
                + "'value':'gpu','effect':'NoSchedule'}]}"), tainted));
        assertEquals(List.of(), plugin.filter(pod("{'tolerations':[{'operator':'Exists'}]}"), tainted));
        NodeInfo prefer = node("b", "{}", "{'taints':[{'key':'k','effect':'PreferNoSchedule'}]}", SMALL);
        NodeInfo clean = node("c", "{}", "{}", SMALL);
        Map<String, Long> scores = new HashMap<>();
        scores.put("b", plugin.score(pod("{}"), prefer));
        scores.put("c", plugin.score(pod("{}"), clean));
        plugin.normalize(pod("{}"), scores);
        assertEquals(Map.of("b", 0L, "c", 100L), scores);
        assertEquals(0, plugin.score(pod("{'tolerations':[{'key':'k','operator':'Exists'}]}"), prefer));
    }

    @Test
    void nodeAffinityHonoursSelectorRequiredTermsAndPreferences() {
        NodeAffinity plugin = new NodeAffinity();
        NodeInfo ssd = node("a", "{'disk':'ssd','zone':'z1','cores':'8'}", "{}", SMALL);
        NodeInfo hdd = node("b", "{'disk':'hdd','zone':'z2'}", "{}", SMALL);
        PodInfo selector = pod("{'nodeSelector':{'disk':'ssd'}}");
        assertEquals(List.of(), plugin.filter(selector, ssd));
        assertEquals(List.of(NodeAffinity.REASON), plugin.filter(selector, hdd));
        PodInfo required = pod("{'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                + "{'nodeSelectorTerms':[{'matchExpressions':[{'key':'cores','operator':'Gt','values':['4']}]},"
                + "{'matchFields':[{'key':'metadata.name','operator':'In','values':['b']}]}]}}}}");
        assertEquals(List.of(), plugin.filter(required, ssd));
        assertEquals(List.of(), plugin.filter(required, hdd));
        assertEquals(List.of(NodeAffinity.REASON), plugin.filter(required, node("c", "{'cores':'2'}", "{}", SMALL)));
        PodInfo preferred = pod("{'affinity':{'nodeAffinity':{'preferredDuringSchedulingIgnoredDuringExecution':["
                + "{'weight':10,'preference':{'matchExpressions':[{'key':'zone','operator':'In','values':['z2']}]}},"
                + "{'weight':5,'preference':{'matchExpressions':[{'key':'disk','operator':'Exists'}]}}]}}}");
        Map<String, Long> scores = new HashMap<>(Map.of("a", plugin.score(preferred, ssd), "b",
                plugin.score(preferred, hdd)));
        assertEquals(Map.of("a", 5L, "b", 15L), scores);
        plugin.normalize(preferred, scores);
        assertEquals(Map.of("a", 33L, "b", 100L), scores);
    }

    @Test
    void cordonedNodesTakeOnlyPodsToleratingTheUnschedulableTaint() {
        NodeUnschedulable plugin = new NodeUnschedulable();
        NodeInfo cordoned = node("a", "{}", "{'unschedulable':true}", SMALL);
        assertEquals(List.of(NodeUnschedulable.REASON), plugin.filter(pod("{}"), cordoned));
        assertEquals(List.of(), plugin.filter(pod("{'tolerations':[{'key':'node.kubernetes.io/unschedulable',"
                + "'operator':'Exists','effect':'NoSchedule'}]}"), cordoned));
        assertEquals(List.of(), plugin.filter(pod("{}"), node("b", "{}", "{}", SMALL)));
    }

    @Test
    void nodeNameMatchesOnlyTheNamedNode() {
        NodeName plugin = new NodeName();
        assertEquals(List.of(), plugin.filter(pod("{'nodeName':'a'}"), node("a", "{}", "{}", SMALL)));
        assertEquals(List.of(NodeName.REASON), plugin.filter(pod("{'nodeName':'a'}"), node("b", "{}", "{}", SMALL)));
    }

    @Test
    void hostPortsConflictOnSameProtocolAndOverlappingAddress() {
        NodePorts plugin = new NodePorts();
        String port80 = "{'containers':[{'name':'c','image':'i','ports':[{'containerPort':80,'hostPort':80}]}]}";
        NodeInfo used = node("a", "{}", "{}", SMALL, pod(port80));
        assertEquals(List.of(NodePorts.REASON), plugin.filter(pod(port80), used));
        assertTrue(plugin.filter(pod("{'containers':[{'name':'c','image':'i','ports':[{'containerPort':80,"
                + "'hostPort':80,'protocol':'UDP'}]}]}"), used).isEmpty());
        NodeInfo specific = node("b", "{}", "{}", SMALL, pod("{'containers':[{'name':'c','image':'i','ports':"
                + "[{'containerPort':80,'hostPort':80,'hostIP':'10.0.0.1'}]}]}"));
        assertTrue(plugin.filter(pod("{'containers':[{'name':'c','image':'i','ports':[{'containerPort':80,"
                + "'hostPort':80,'hostIP':'10.0.0.2'}]}]}"), specific).isEmpty());
        assertEquals(List.of(NodePorts.REASON), plugin.filter(pod(port80), specific));
    }

    @Test
    void theFailureMessageCountsReasonsAsUpstream() {
        List<NodeInfo> nodes = List.of(
                node("a", "{}", "{'taints':[{'key':'node-role','value':'master','effect':'NoSchedule'}]}", SMALL),
                node("b", "{}", "{}", SMALL), node("c", "{}", "{}", SMALL));
        Scheduler.Decision d = Scheduler.decide(pod("{" + containers("2", "1Mi") + "}"), nodes,
                List.of(new NodeUnschedulable(), new NodeName(), new TaintToleration(), new NodeAffinity(),
                        new NodePorts(), new NodeResourcesFit()),
                List.of());
        assertEquals(null, d.node());
        assertEquals("0/3 nodes are available: 1 node(s) had untolerated taint {node-role: master}, "
                + "2 Insufficient cpu.", d.message());
        assertEquals("no nodes available to schedule pods",
                Scheduler.decide(pod("{}"), List.of(), List.of(), List.of()).message());
    }
}
