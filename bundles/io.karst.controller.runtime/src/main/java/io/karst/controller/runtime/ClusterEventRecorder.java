package io.karst.controller.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
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
 *
 * <p>With a writer executor, as client-go's broadcaster: {@link #event} only queues (at most {@link #MAX_QUEUED}
 * events, further ones dropped with a warning, upstream's DropIfChannelFull) and the Events are written in order
 * off the caller's thread, so a controller never waits for its Events (a pod created cost two writes in a row).
 * Without one, each Event is written before {@link #event} returns.
 */
final class ClusterEventRecorder implements EventRecorder {
    static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);
    /** client-go's maxQueuedEvents. */
    static final int MAX_QUEUED = 1000;
    private static final ResourceKey EVENTS = new ResourceKey("", "v1", "events");
    private static final Logger LOG = LoggerFactory.getLogger(ClusterEventRecorder.class);
    private static final int REMEMBERED = 4096;

    private final ResourceClient client;
    private final String component;
    private final String host;
    private final Clock clock;
    private final Executor writer;
    /** Events waiting for the writer, and whether a drain of them is queued or running; guarded by itself. */
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    private boolean draining;
    private long dropped;
    private final Map<String, Recorded> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
            return size() > REMEMBERED;
        }
    };

    private record Recorded(String namespace, String name, int count, Instant last) {
    }

    /** What an Event says of its object, taken when {@link #event} is called (the caller may change it after). */
    private record Involved(String kind, String apiVersion, String namespace, String name, String uid,
            String resourceVersion) {
    }

    /** A recorder that writes each Event before {@link #event} returns. */
    ClusterEventRecorder(ResourceClient client, String component, String host, Clock clock) {
        this(client, component, host, clock, null);
    }

    /** @param writer writes the queued Events, one drain at a time; null to write them in the caller's thread */
    ClusterEventRecorder(ResourceClient client, String component, String host, Clock clock, Executor writer) {
        this.client = client;
        this.component = component;
        this.host = host;
        this.clock = clock;
        this.writer = writer;
    }

    @Override
    public void event(ObjectNode involved, String type, String reason, String message) {
        JsonNode meta = involved.path("metadata");
        Involved about = new Involved(involved.path("kind").asText(), involved.path("apiVersion").asText(),
                meta.path("namespace").asText(""), meta.path("name").asText(), meta.path("uid").asText(),
                meta.path("resourceVersion").asText());
        Instant now = clock.instant();
        if (writer == null) {
            record(about, type, reason, message, now);
            return;
        }
        synchronized (pending) {
            if (pending.size() >= MAX_QUEUED) {
                if (dropped++ % MAX_QUEUED == 0) {
                    LOG.warn("{} Events not written so far: more than {} queued (last dropped: {} {} about {})",
                            dropped, MAX_QUEUED, type, reason, about.name());
                }
                return;
            }
            pending.add(() -> record(about, type, reason, message, now));
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            writer.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (pending) { // stopping: what is queued is not written
                pending.clear();
                draining = false;
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (pending) {
                next = pending.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            next.run();
        }
    }

    private void record(Involved about, String type, String reason, String message, Instant at) {
        String eventNamespace = about.namespace().isEmpty() ? "default" : about.namespace();
        String identity = about.kind() + "/" + eventNamespace + "/" + about.name() + "/" + about.uid() + "/" + type
                + "/" + reason + "/" + message;
        Instant now = at.truncatedTo(ChronoUnit.SECONDS);
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
            ObjectNode event = newEvent(about, eventNamespace, type, reason, message, now, at);
            client.resource(EVENTS).inNamespace(eventNamespace).create(event);
            remember(identity, new Recorded(eventNamespace, event.path("metadata").path("name").asText(), 1, now));
        } catch (ResourceException | IllegalStateException e) {
            LOG.warn("Event {} {} about {} not recorded: {}", type, reason, about.name(), e.getMessage());
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

    private ObjectNode newEvent(Involved about, String namespace, String type, String reason, String message,
            Instant now, Instant at) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("apiVersion", "v1");
        event.put("kind", "Event");
        ObjectNode eventMeta = event.putObject("metadata");
        eventMeta.put("name", about.name() + "." + Long.toHexString(at.getEpochSecond() * 1_000_000_000L
                + at.getNano()));
        eventMeta.put("namespace", namespace);
        ObjectNode ref = event.putObject("involvedObject");
        ref.put("kind", about.kind());
        if (!about.namespace().isEmpty()) {
            ref.put("namespace", about.namespace());
        }
        ref.put("name", about.name());
        ref.put("uid", about.uid());
        ref.put("apiVersion", about.apiVersion());
        ref.put("resourceVersion", about.resourceVersion());
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
