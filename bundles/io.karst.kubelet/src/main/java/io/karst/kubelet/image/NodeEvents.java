package io.karst.kubelet.image;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;

/**
 * Events about this node from the kubelet, as upstream's recorder writes them for its node reference: involved
 * object Node {@code <name>} with the node's name as uid, in namespace {@code default} (where client-go puts events
 * of cluster-scoped objects), source {@code kubelet}. A repeat of the same reason and message raises the count of
 * one Event. Failing to record is logged and never fails the caller.
 */
public final class NodeEvents {
    static final ResourceKey EVENTS = new ResourceKey("", "v1", "events");
    static final String NAMESPACE = "default";
    private static final Logger LOG = LoggerFactory.getLogger(NodeEvents.class);

    private final ResourceClient client;
    private final String nodeName;
    /** type|reason|message → name and count of the Event recording it. */
    private final Map<String, Recorded> recorded = new HashMap<>();

    private record Recorded(String name, int count) {
    }

    public NodeEvents(ResourceClient client, String nodeName) {
        this.client = client;
        this.nodeName = nodeName;
    }

    public void warning(String reason, String message) {
        record("Warning", reason, message);
    }

    public synchronized void record(String type, String reason, String message) {
        String key = type + "|" + reason + "|" + message;
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Recorded seen = recorded.get(key);
        try {
            if (seen != null) {
                ObjectNode patch = JsonNodeFactory.instance.objectNode();
                patch.put("count", seen.count() + 1).put("lastTimestamp", now);
                client.resource(EVENTS).inNamespace(NAMESPACE).patch(seen.name(), PatchTypes.MERGE_PATCH, patch);
                recorded.put(key, new Recorded(seen.name(), seen.count() + 1));
                return;
            }
            String name = nodeName + "." + Long.toHexString(System.nanoTime() ^ System.currentTimeMillis() << 20);
            ObjectNode event = JsonNodeFactory.instance.objectNode();
            event.put("apiVersion", "v1").put("kind", "Event");
            event.putObject("metadata").put("name", name).put("namespace", NAMESPACE);
            event.putObject("involvedObject").put("kind", "Node").put("name", nodeName).put("uid", nodeName)
                    .put("apiVersion", "v1");
            event.put("reason", reason).put("message", message).put("type", type);
            event.putObject("source").put("component", "kubelet").put("host", nodeName);
            event.put("firstTimestamp", now).put("lastTimestamp", now).put("count", 1);
            event.put("reportingComponent", "kubelet").put("reportingInstance", nodeName);
            client.resource(EVENTS).inNamespace(NAMESPACE).create(event);
            recorded.put(key, new Recorded(name, 1));
        } catch (ResourceException e) {
            // an Event aggregated into one that is gone (TTL) starts over next time
            recorded.remove(key);
            LOG.debug("Event {} {} on node {} not recorded: {}", type, reason, nodeName, e.getMessage());
        }
    }
}
