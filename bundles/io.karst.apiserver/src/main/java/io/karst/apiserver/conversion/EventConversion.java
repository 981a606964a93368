package io.karst.apiserver.conversion;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * events.k8s.io/v1 Events kept as core/v1 Events, where upstream stores both ({@code /registry/events/}): the
 * fields map one to one, renamed as upstream's conversion renames them ({@code note} is {@code message},
 * {@code regarding} is {@code involvedObject}, {@code reportingController} is the core JSON name
 * {@code reportingComponent}, the {@code deprecated*} fields are the core source, timestamps and count). Absent
 * fields stay absent, so both round trips are exact.
 */
public final class EventConversion implements VersionConversion {
    /** events.k8s.io/v1 field → core/v1 field, in the events.k8s.io field order. */
    private static final Map<String, String> EVENTS_TO_CORE = new LinkedHashMap<>();
    /** core/v1 field → events.k8s.io/v1 field, in the core field order. */
    private static final Map<String, String> CORE_TO_EVENTS = new LinkedHashMap<>();

    static {
        String[][] pairs = {
            {"eventTime", "eventTime"},
            {"series", "series"},
            {"reportingController", "reportingComponent"},
            {"reportingInstance", "reportingInstance"},
            {"action", "action"},
            {"reason", "reason"},
            {"regarding", "involvedObject"},
            {"related", "related"},
            {"note", "message"},
            {"type", "type"},
            {"deprecatedSource", "source"},
            {"deprecatedFirstTimestamp", "firstTimestamp"},
            {"deprecatedLastTimestamp", "lastTimestamp"},
            {"deprecatedCount", "count"},
        };
        for (String[] p : pairs) {
            EVENTS_TO_CORE.put(p[0], p[1]);
        }
        for (String core : new String[] {"involvedObject", "reason", "message", "source", "firstTimestamp",
            "lastTimestamp", "count", "type", "eventTime", "series", "action", "related", "reportingComponent",
            "reportingInstance"}) {
            EVENTS_TO_CORE.forEach((events, c) -> {
                if (c.equals(core)) {
                    CORE_TO_EVENTS.put(core, events);
                }
            });
        }
    }

    public static final EventConversion INSTANCE = new EventConversion();

    private EventConversion() {
    }

    @Override
    public String storageApiVersion() {
        return "v1";
    }

    /** events.k8s.io/v1 → core/v1. */
    @Override
    public ObjectNode toStorage(ObjectNode served) {
        return copy(served, "v1", CORE_TO_EVENTS);
    }

    /** core/v1 → events.k8s.io/v1. */
    @Override
    public ObjectNode fromStorage(ObjectNode stored) {
        return copy(stored, "events.k8s.io/v1", EVENTS_TO_CORE);
    }

    /** @param fields target field → source field, in the target's order */
    private static ObjectNode copy(ObjectNode in, String apiVersion, Map<String, String> fields) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("kind", "Event");
        out.put("apiVersion", apiVersion);
        if (in.has("metadata")) {
            out.set("metadata", in.get("metadata").deepCopy());
        }
        fields.forEach((target, source) -> {
            JsonNode value = in.get(source);
            if (value != null) {
                out.set(target, value.deepCopy());
            }
        });
        return out;
    }
}
