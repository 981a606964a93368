package io.karst.apiserver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class SharedManagedFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SharedManagedFields shared = new SharedManagedFields();

    private static ObjectNode configMap(String name, String time, String fieldSet) throws Exception {
        return (ObjectNode) JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                + name + "\",\"managedFields\":[{\"manager\":\"kubectl\",\"operation\":\"Update\",\"apiVersion\":"
                + "\"v1\",\"time\":\"" + time + "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":" + fieldSet + "}]},"
                + "\"data\":{\"a\":\"1\"}}");
    }

    private static final String FIELDS = "{\"f:data\":{\".\":{},\"f:a\":{}}}";

    @Test
    void objectsWithEqualManagedFieldsHoldOneTree() throws Exception {
        ObjectNode first = shared.share(configMap("a", "2026-11-23T10:00:00Z", FIELDS));
        ObjectNode second = shared.share(configMap("b", "2026-11-23T10:00:00Z", FIELDS));
        assertSame(first.at("/metadata/managedFields"), second.at("/metadata/managedFields"));
        assertEquals("b", second.at("/metadata/name").asText());
    }

    @Test
    void listsOfAnotherTimeShareOnlyTheirFieldSets() throws Exception {
        ObjectNode first = shared.share(configMap("a", "2026-11-23T10:00:00Z", FIELDS));
        ObjectNode second = shared.share(configMap("b", "2026-11-23T10:00:01Z", FIELDS));
        assertNotSame(first.at("/metadata/managedFields"), second.at("/metadata/managedFields"));
        assertEquals("2026-11-23T10:00:01Z", second.at("/metadata/managedFields/0/time").asText());
        assertSame(first.at("/metadata/managedFields/0/fieldsV1"), second.at("/metadata/managedFields/0/fieldsV1"));
    }

    @Test
    void aFieldSetWithMembersInAnotherOrderIsKeptAsItIsSoItsEncodingDoesNotChange() throws Exception {
        shared.share(configMap("a", "2026-11-23T10:00:00Z", FIELDS));
        ObjectNode reordered = shared.share(configMap("b", "2026-11-23T10:00:00Z",
                "{\"f:data\":{\"f:a\":{},\".\":{}}}"));
        assertEquals("{\"f:data\":{\"f:a\":{},\".\":{}}}",
                JSON.writeValueAsString(reordered.at("/metadata/managedFields/0/fieldsV1")));
    }

    @Test
    void anObjectWithoutManagedFieldsIsLeftAlone() throws Exception {
        ObjectNode plain = (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"a\"}}");
        assertSame(plain, shared.share(plain));
        assertEquals("{\"metadata\":{\"name\":\"a\"}}", JSON.writeValueAsString(plain));
    }
}
