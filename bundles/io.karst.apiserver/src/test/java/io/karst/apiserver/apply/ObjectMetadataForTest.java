package io.karst.apiserver.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Test help: what the store adds to an object an apply created. */
final class ObjectMetadataForTest {
    private ObjectMetadataForTest() {
    }

    static void setUid(ObjectNode object) {
        ((ObjectNode) object.get("metadata")).put("uid", "stored");
    }
}
