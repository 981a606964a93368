package io.karst.scheduler.plugins;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.api.scheduler.FilterPlugin;
import io.karst.api.scheduler.NodeInfo;
import io.karst.api.scheduler.PodInfo;
import io.karst.api.scheduler.ScorePlugin;

/**
 * Upstream's TaintToleration: a node with a NoSchedule or NoExecute taint the pod does not tolerate is filtered out
 * (the first such taint named in the reason); among the rest, nodes with fewer untolerated PreferNoSchedule taints
 * score higher (weight 3 in the default profile).
 */
@Component(service = {FilterPlugin.class, ScorePlugin.class})
public final class TaintToleration implements FilterPlugin, ScorePlugin {

    @Override
    public String name() {
        return "TaintToleration";
    }

    @Override
    public int weight() {
        return 3;
    }

    @Override
    public List<String> filter(PodInfo pod, NodeInfo node) {
        for (JsonNode taint : node.node().path("spec").path("taints")) {
            String effect = taint.path("effect").asText("");
            if ((effect.equals("NoSchedule") || effect.equals("NoExecute")) && !Taints.tolerated(pod.pod(), taint)) {
                return List.of("node(s) had untolerated taint {" + taint.path("key").asText("") + ": "
                        + taint.path("value").asText("") + "}");
            }
        }
        return List.of();
    }

    @Override
    public long score(PodInfo pod, NodeInfo node) {
        long count = 0;
        for (JsonNode taint : node.node().path("spec").path("taints")) {
            if (taint.path("effect").asText("").equals("PreferNoSchedule")) {
                // only tolerations for PreferNoSchedule (or any effect) count here, as upstream
                boolean tolerated = false;
                for (JsonNode t : pod.pod().path("spec").path("tolerations")) {
                    String e = t.path("effect").asText("");
                    if ((e.isEmpty() || e.equals("PreferNoSchedule")) && Taints.tolerates(t,
                            taint.path("key").asText(""), taint.path("value").asText(""), "PreferNoSchedule")) {
                        tolerated = true;
                        break;
                    }
                }
                if (!tolerated) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Fewer intolerable taints is better: reversed against the most any node has. */
    @Override
    public void normalize(PodInfo pod, Map<String, Long> scores) {
        long max = scores.values().stream().mapToLong(Long::longValue).max().orElse(0);
        scores.replaceAll((node, count) -> max == 0 ? MAX_SCORE : MAX_SCORE - count * MAX_SCORE / max);
    }
}
