package io.karst.controller.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.EventRecorder;

/**
 * Writes core/v1 Events for one controller, as client-go's recorder does: named {@code <object>.<hex nanos>}, in
 * the object's namespace ({@code default} for cluster-scoped objects), and a repeat of the same event about the
 * same object within {@link #AGGREGATION_WINDOW} bumps the existing Event's count and lastTimestamp.
 */
final class ClusterEventRecorder implements EventRecorder {
    static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);
    private static final ResourceKey EVENTS = new ResourceKey("", "v1", "events");
    private static final Logger LOG = LoggerFactory.getLogger(ClusterEventRecorder.class);
    private static final int REMEMBERED = 4096;

    private final ResourceClient client;
    private final String component;
    private final String host;
    private final Clock clock;
    private final Map<String, Recorded> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
            return size() > REMEMBERED;
        }
    };

    private record Recorded(String namespace, String name, int count, Instant last) {
    }

    ClusterEventRecorder(ResourceClient client, String component, String host, Clock clock) {
        this.client = client;
        this.component = component;
        this.host = host;
        this.clock = clock;
    }

    @Override
    public void event(ObjectNode involved, String type, String reason, String message) {
        ObjectNode meta = (ObjectNode) involved.path("metadata");
        String namespace = meta.path("namespace").asText("");
        String eventNamespace = namespace.isEmpty() ? "default" : namespace;
        String identity = involved.path("kind").asText() + "/" + eventNamespace + "/" + meta.path("name").asText()
                + "/" + meta.path("uid").asText() + "/" + type + "/" + reason + "/" + message;
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        try {
            Recorded previous;
            synchronized (recent) {
                previous = recent.get(identity);
            }
            if (previous != null && previous.last().plus(AGGREGATION_WINDOW).isAfter(now)
                    && bump(previous, now)) {
                remember(identity, new Recorded(previous.namespace(), previous.name(), previous.count() + 1, now));
                return;
            }
            ObjectNode event = newEvent(involved, eventNamespace, type, reason, message, now);
            client.resource(EVENTS).inNamespace(eventNamespace).create(event);
            remember(identity, new Recorded(eventNamespace, event.path("metadata").path("name").asText(), 1, now));
        } catch (ResourceException | IllegalStateException e) {
            LOG.warn("Event {} {} about {} not recorded: {}", type, reason, meta.path("name").asText(),
                    e.getMessage());
        }
    }

    private boolean bump(Recorded previous, Instant now) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        patch.put("count", previous.count() + 1);
        patch.put("lastTimestamp", now.toString());
        try {
            client.resource(EVENTS).inNamespace(previous.namespace()).patch(previous.name(), PatchTypes.MERGE_PATCH,
                    patch);
            return true;
        } catch (ResourceException e) {
            if (e.isNotFound()) {
                return false; // deleted (by TTL or a user): record it afresh
            }
            throw e;
        }
    }

    private void remember(String identity, Recorded recorded) {
        synchronized (recent) {
            recent.put(identity, recorded);
        }
    }

    private ObjectNode newEvent(ObjectNode involved, String namespace, String type, String reason, String message,
            Instant now) {
        ObjectNode meta = (ObjectNode) involved.path("metadata");
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("apiVersion", "v1");
        event.put("kind", "Event");
        ObjectNode eventMeta = event.putObject("metadata");
        eventMeta.put("name", meta.path("name").asText() + "." + Long.toHexString(clock.instant().getEpochSecond()
                * 1_000_000_000L + clock.instant().getNano()));
        eventMeta.put("namespace", namespace);
        ObjectNode ref = event.putObject("involvedObject");
        ref.put("kind", involved.path("kind").asText());
        if (!meta.path("namespace").asText("").isEmpty()) {
            ref.put("namespace", meta.path("namespace").asText());
        }
        ref.put("name", meta.path("name").asText());
        ref.put("uid", meta.path("uid").asText());
        ref.put("apiVersion", involved.path("apiVersion").asText());
        ref.put("resourceVersion", meta.path("resourceVersion").asText());
        event.put("reason", reason);
        event.put("message", message);
        event.putObject("source").put("component", component);
        event.put("firstTimestamp", now.toString());
        event.put("lastTimestamp", now.toString());
        event.put("count", 1);
        event.put("type", type);
        event.put("reportingComponent", component);
        event.put("reportingInstance", host);
        return event;
    }
}
