package io.karst.apiserver.defaults;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Json;
import io.karst.apiserver.validation.Quantity;

/** Small mutations shared by the defaulters. */
final class Nodes {
    private Nodes() {
    }

    /** Rewrites every quantity of a resource list in upstream's canonical text, rounded up to milli precision. */
    static void canonicalizeResourceList(ObjectNode list) {
        if (list == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            Quantity q = Quantity.tryParse(e.getValue());
            if (q != null) {
                e.setValue(list.textNode(q.roundedToMilli().toString()));
            }
        }
    }

    static void canonicalizeQuantity(ObjectNode parent, String field) {
        if (parent == null || !parent.hasNonNull(field)) {
            return;
        }
        Quantity q = Quantity.tryParse(parent.get(field));
        if (q != null) {
            parent.put(field, q.roundedToMilli().toString());
        }
    }

    /** The template metadata as upstream serialises an unset timestamp inside templates. */
    static void templateMetadata(ObjectNode template) {
        ObjectNode meta = Json.objOrCreate(template, "metadata");
        if (!meta.has("creationTimestamp")) {
            meta.putNull("creationTimestamp");
        }
    }
}
