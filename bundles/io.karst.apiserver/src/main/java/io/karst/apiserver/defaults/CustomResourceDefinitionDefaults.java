package io.karst.apiserver.defaults;

import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Json;

/**
 * Upstream's apiextensions/v1 defaults of a CustomResourceDefinition: the singular name is the lowercase kind, the
 * list kind the kind + "List", conversion strategy None, a webhook's service port 443, and the stored versions
 * start as the storage version.
 */
final class CustomResourceDefinitionDefaults {
    private CustomResourceDefinitionDefaults() {
    }

    static void apply(ObjectNode crd) {
        ObjectNode spec = Json.objOrCreate(crd, "spec");
        ObjectNode names = Json.objOrCreate(spec, "names");
        String kind = Json.text(names, "kind");
        if (!kind.isEmpty()) {
            Json.putIfEmpty(names, "singular", kind.toLowerCase(Locale.ROOT));
            Json.putIfEmpty(names, "listKind", kind + "List");
        }
        ObjectNode conversion = Json.objOrCreate(spec, "conversion");
        Json.putIfEmpty(conversion, "strategy", "None");
        ObjectNode service = Json.obj(Json.obj(Json.obj(conversion, "webhook"), "clientConfig"), "service");
        if (service != null && !service.isEmpty()) {
            Json.putIfAbsent(service, "port", 443);
        }
        ObjectNode status = Json.objOrCreate(crd, "status");
        if (!status.path("storedVersions").isArray() || status.path("storedVersions").isEmpty()) {
            ArrayNode stored = status.putArray("storedVersions");
            for (ObjectNode v : Json.objects(spec, "versions")) {
                if (Json.bool(v, "storage")) {
                    stored.add(Json.text(v, "name"));
                }
            }
        }
    }
}
