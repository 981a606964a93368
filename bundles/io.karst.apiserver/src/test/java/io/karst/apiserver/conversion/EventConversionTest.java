package io.karst.apiserver.conversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class EventConversionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventConversion CONVERSION = EventConversion.INSTANCE;

    private static final String CORE = """
            {"kind":"Event","apiVersion":"v1","metadata":{"name":"web.1","namespace":"default"},
             "involvedObject":{"kind":"Pod","namespace":"default","name":"web","uid":"u1","apiVersion":"v1",
               "resourceVersion":"7","fieldPath":"spec.containers{app}"},
             "reason":"Pulled","message":"Pulled image","source":{"component":"kubelet","host":"node-1"},
             "firstTimestamp":"2026-11-23T04:00:00Z","lastTimestamp":"2026-11-23T04:05:00Z","count":3,
             "type":"Normal","eventTime":"2026-11-23T04:00:00.000000Z",
             "series":{"count":2,"lastObservedTime":"2026-11-23T04:05:00.000000Z"},
             "action":"Pulling","related":{"kind":"Node","name":"node-1"},
             "reportingComponent":"kubelet","reportingInstance":"node-1"}
            """;

    @Test
    void coreFieldsAreRenamedAsUpstreamConverts() throws Exception {
        ObjectNode events = CONVERSION.fromStorage(obj(CORE));
        assertEquals(obj("""
                {"kind":"Event","apiVersion":"events.k8s.io/v1","metadata":{"name":"web.1","namespace":"default"},
                 "eventTime":"2026-11-23T04:00:00.000000Z",
                 "series":{"count":2,"lastObservedTime":"2026-11-23T04:05:00.000000Z"},
                 "reportingController":"kubelet","reportingInstance":"node-1","action":"Pulling","reason":"Pulled",
                 "regarding":{"kind":"Pod","namespace":"default","name":"web","uid":"u1","apiVersion":"v1",
                   "resourceVersion":"7","fieldPath":"spec.containers{app}"},
                 "related":{"kind":"Node","name":"node-1"},"note":"Pulled image","type":"Normal",
                 "deprecatedSource":{"component":"kubelet","host":"node-1"},
                 "deprecatedFirstTimestamp":"2026-11-23T04:00:00Z","deprecatedLastTimestamp":"2026-11-23T04:05:00Z",
                 "deprecatedCount":3}
                """), events);
    }

    @Test
    void bothRoundTripsKeepEverything() throws Exception {
        ObjectNode core = obj(CORE);
        assertEquals(core, CONVERSION.toStorage(CONVERSION.fromStorage(core)));
        ObjectNode events = obj("""
                {"kind":"Event","apiVersion":"events.k8s.io/v1","metadata":{"name":"e","namespace":"default"},
                 "eventTime":"2026-11-23T04:00:00.000000Z","reportingController":"example.com/ctl",
                 "reportingInstance":"ctl-1","action":"Scale","reason":"Scaled",
                 "regarding":{"kind":"Deployment","namespace":"default","name":"web"},"note":"scaled","type":"Normal"}
                """);
        ObjectNode stored = CONVERSION.toStorage(events);
        assertEquals("v1", stored.path("apiVersion").asText());
        assertEquals("scaled", stored.path("message").asText());
        assertEquals("web", stored.path("involvedObject").path("name").asText());
        assertEquals("example.com/ctl", stored.path("reportingComponent").asText());
        assertFalse(stored.has("source"), "absent fields stay absent");
        assertEquals(events, CONVERSION.fromStorage(stored));
    }

    @Test
    void theArgumentIsNeverModified() throws Exception {
        ObjectNode core = obj(CORE);
        ObjectNode events = CONVERSION.fromStorage(core);
        ((ObjectNode) events.path("metadata")).put("name", "changed");
        assertEquals(obj(CORE), core);
    }

    private static ObjectNode obj(String text) throws Exception {
        JsonNode node = JSON.readTree(text);
        return (ObjectNode) node;
    }
}
