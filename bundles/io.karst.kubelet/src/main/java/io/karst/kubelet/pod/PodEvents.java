package io.karst.kubelet.pod;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;

/**
 * Events about pods from the kubelet (source {@code kubelet}, host = this node), aggregated as client-go's recorder
 * does for repeats: the same reason and message on the same object and field raise the count of one Event. Failing
 * to record an event is logged and never stops a pod's sync.
 */
public final class PodEvents {
    static final ResourceKey EVENTS = new ResourceKey("", "v1", "events");
    private static final int REMEMBERED = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(PodEvents.class);

    private final ResourceClient client;
    private final String nodeName;
    /** uid|field|reason|message → namespace/name and count of the Event recording it. */
    private final Map<String, Recorded> recorded = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
            return size() > REMEMBERED;
        }
    };

    private record Recorded(String namespace, String name, int count) {
    }

    public PodEvents(ResourceClient client, String nodeName) {
        this.client = client;
        this.nodeName = nodeName;
    }

    public void normal(JsonNode pod, String container, String reason, String message) {
        record(pod, container, "Normal", reason, message);
    }

    public void warning(JsonNode pod, String container, String reason, String message) {
        record(pod, container, "Warning", reason, message);
    }

    private void record(JsonNode pod, String container, String type, String reason, String message) {
        JsonNode meta = pod.path("metadata");
        String namespace = meta.path("namespace").asText();
        String field = container == null ? "" : fieldPath(pod, container);
        String key = meta.path("uid").asText() + "|" + field + "|" + reason + "|" + message;
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            Recorded seen;
            synchronized (recorded) {
                seen = recorded.get(key);
            }
            if (seen != null) {
                ObjectNode patch = JsonNodeFactory.instance.objectNode();
                patch.put("count", seen.count() + 1).put("lastTimestamp", now);
                client.resource(EVENTS).inNamespace(seen.namespace()).patch(seen.name(), PatchTypes.MERGE_PATCH,
                        patch);
                synchronized (recorded) {
                    recorded.put(key, new Recorded(seen.namespace(), seen.name(), seen.count() + 1));
                }
                return;
            }
            ObjectNode event = JsonNodeFactory.instance.objectNode();
            event.put("apiVersion", "v1").put("kind", "Event");
            String name = meta.path("name").asText() + "." + Long.toHexString(System.nanoTime() ^ System.currentTimeMillis() << 20);
            event.putObject("metadata").put("name", name).put("namespace", namespace);
            ObjectNode involved = event.putObject("involvedObject");
            involved.put("kind", "Pod").put("namespace", namespace).put("name", meta.path("name").asText())
                    .put("uid", meta.path("uid").asText()).put("apiVersion", "v1");
            if (!field.isEmpty()) {
                involved.put("fieldPath", field);
            }
            event.put("reason", reason).put("message", message).put("type", type);
            event.putObject("source").put("component", "kubelet").put("host", nodeName);
            event.put("firstTimestamp", now).put("lastTimestamp", now).put("count", 1);
            event.put("reportingComponent", "kubelet").put("reportingInstance", nodeName);
            client.resource(EVENTS).inNamespace(namespace).create(event);
            synchronized (recorded) {
                recorded.put(key, new Recorded(namespace, name, 1));
            }
        } catch (ResourceException e) {
            synchronized (recorded) {
                recorded.remove(key);
            }
            LOG.debug("Event {} {} on pod {}/{} not recorded: {}", type, reason, namespace, meta.path("name").asText(),
                    e.getMessage());
        }
    }

    /**
     * A Warning about this node itself, not about a pod (a static pod manifest it cannot run); as upstream's node
     * events, the reference's uid is the node's name, so it needs no registered Node.
     */
    public void nodeWarning(String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("apiVersion", "v1").put("kind", "Event");
        event.putObject("metadata").put("name", nodeName + "." + Long.toHexString(System.nanoTime()
                ^ System.currentTimeMillis() << 20)).put("namespace", "default");
        event.putObject("involvedObject").put("kind", "Node").put("name", nodeName).put("uid", nodeName)
                .put("apiVersion", "v1");
        event.put("reason", reason).put("message", message).put("type", "Warning");
        event.putObject("source").put("component", "kubelet").put("host", nodeName);
        event.put("firstTimestamp", now).put("lastTimestamp", now).put("count", 1);
        event.put("reportingComponent", "kubelet").put("reportingInstance", nodeName);
        try {
            client.resource(EVENTS).inNamespace("default").create(event);
        } catch (ResourceException e) {
            LOG.debug("Event {} on node {} not recorded: {}", reason, nodeName, e.getMessage());
        }
    }

    /** {@code spec.containers{name}} or {@code spec.initContainers{name}}, as upstream's reference. */
    static String fieldPath(JsonNode pod, String container) {
        for (JsonNode c : pod.path("spec").path("initContainers")) {
            if (c.path("name").asText().equals(container)) {
                return "spec.initContainers{" + container + "}";
            }
        }
        return "spec.containers{" + container + "}";
    }
}
