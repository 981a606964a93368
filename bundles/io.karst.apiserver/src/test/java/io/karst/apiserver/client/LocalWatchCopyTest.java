package io.karst.apiserver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class LocalWatchCopyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aWatchersCopySharesOnlyTheManagedFieldsAndKeepsTheOrderOfMembers() throws Exception {
        ObjectNode shared = (ObjectNode) JSON.readTree("{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\","
                + "\"labels\":{\"x\":\"1\"},\"managedFields\":[{\"manager\":\"m\",\"fieldsV1\":{\"f:data\":{}}}],"
                + "\"uid\":\"u\"},\"data\":{\"k\":\"v\"}}");
        ObjectNode copy = LocalWatch.copySharingManagedFields(shared);
        assertEquals(JSON.writeValueAsString(shared), JSON.writeValueAsString(copy));
        assertSame(shared.at("/metadata/managedFields"), copy.at("/metadata/managedFields"));
        assertNotSame(shared.get("metadata"), copy.get("metadata"));
        assertNotSame(shared.at("/metadata/labels"), copy.at("/metadata/labels"));
        assertNotSame(shared.get("data"), copy.get("data"));
        ((ObjectNode) copy.get("data")).put("k", "changed");
        assertEquals("v", shared.at("/data/k").asText());
    }

    @Test
    void anObjectWithoutManagedFieldsIsCopiedWhole() throws Exception {
        ObjectNode shared = (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"v\"}}");
        ObjectNode copy = LocalWatch.copySharingManagedFields(shared);
        assertEquals(shared, copy);
        assertNotSame(shared.get("metadata"), copy.get("metadata"));
    }
}
