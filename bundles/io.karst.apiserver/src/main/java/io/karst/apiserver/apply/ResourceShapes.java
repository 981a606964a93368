package io.karst.apiserver.apply;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.schema.SchemaModel;
import io.karst.apiserver.schema.TypeSchema;

/** The shape of a resource's objects: the schema model's type for built-ins, the CRD's schema for custom ones. */
final class ResourceShapes {
    private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    private ResourceShapes() {
    }

    static Shape of(ResourceType type) {
        SchemaModel model = SchemaModel.builtIn();
        if (type.custom()) {
            // upstream serves custom resources with the CRD's schema, and ObjectMeta's for metadata
            JsonNode schema = type.customSchema().json();
            if (!(schema instanceof ObjectNode root)) {
                return Shape.deduced();
            }
            ObjectNode withMeta = root.deepCopy();
            ObjectNode properties = withMeta.get("properties") instanceof ObjectNode p ? p
                    : withMeta.putObject("properties");
            properties.putObject("metadata").put("$ref", "#/definitions/" + OBJECT_META);
            properties.putObject("apiVersion").put("type", "string");
            properties.putObject("kind").put("type", "string");
            return Shape.of(withMeta, ResourceShapes::definition);
        }
        Optional<TypeSchema> builtIn = model.forKind(type.group(), type.version(), type.kind());
        return builtIn.map(t -> Shape.of(t.json(), ResourceShapes::definition)).orElse(Shape.deduced());
    }

    private static Optional<JsonNode> definition(String name) {
        return SchemaModel.builtIn().definition(name).map(TypeSchema::json);
    }
}
