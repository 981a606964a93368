package io.karst.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.codec.protobuf.ProtobufObjects;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;

/**
 * What a response negotiated as protobuf is sent as when its object has no protobuf message here (custom
 * resources; built-in groups that client-java-proto does not carry, such as coordination.k8s.io or
 * discovery.k8s.io): the JSON or YAML the same Accept header allows, else 406 NotAcceptable with upstream's
 * message for a type without protobuf marshalling. Upstream answers the combined header of client-go with the 406
 * too for such types; falling back lets every client-go built on protobuf read every kind here.
 */
final class ProtobufFallback {

    private ProtobufFallback() {
    }

    /** The representation to send {@code body} in. */
    static Representation forBody(Representation chosen, JsonNode body, ResourceType type) {
        if (chosen.kind() != Representation.Kind.PROTOBUF || !(body instanceof ObjectNode object)
                || ProtobufObjects.hasMessage(object.path("apiVersion").asText(), object.path("kind").asText())) {
            return chosen;
        }
        return orNotAcceptable(chosen, goType(type, object.path("kind").asText()));
    }

    /** The representation of a watch of this resource, decided once for the stream. */
    static Representation forWatch(Representation chosen, ResourceType type, String objectApiVersion,
            String objectKind) {
        if (chosen.kind() != Representation.Kind.PROTOBUF || ProtobufObjects.hasMessage(objectApiVersion, objectKind)) {
            return chosen;
        }
        return orNotAcceptable(chosen, goType(type, objectKind));
    }

    private static Representation orNotAcceptable(Representation chosen, String goType) {
        if (chosen.fallback() != null) {
            return chosen.fallback();
        }
        throw new ApiException(406, "NotAcceptable", "object " + goType
                + " does not implement the protobuf marshalling interface and cannot be encoded to a protobuf message",
                null);
    }

    /** The Go type upstream names: unstructured for custom resources, else the kind in its version's package. */
    private static String goType(ResourceType type, String kind) {
        if (type.custom()) {
            return kind.endsWith("List") && kind.equals(type.listKind()) ? "*unstructured.UnstructuredList"
                    : "*unstructured.Unstructured";
        }
        return "*" + type.version() + "." + kind;
    }
}
