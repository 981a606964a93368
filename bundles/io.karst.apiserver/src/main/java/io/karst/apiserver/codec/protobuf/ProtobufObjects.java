package io.karst.apiserver.codec.protobuf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.google.protobuf.Descriptors.Descriptor;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Objects in {@code application/vnd.kubernetes.protobuf} responses: the JSON tree the server works on, written as
 * the message of its apiVersion and kind inside the {@code k8s\0} envelope, as upstream's protobuf serializer
 * writes a typed object. Lists are their {@code XxxList} messages, errors the meta {@code Status}.
 */
public final class ProtobufObjects {

    /** The media type of single objects; watch streams add {@code ;stream=watch}. */
    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    private ProtobufObjects() {
    }

    /**
     * The enveloped bytes of an object, with the paths of the members its message has no field for; empty when
     * its kind has no message here (custom resources, and groups client-java-proto does not carry).
     */
    public static Optional<Encoded> encode(ObjectNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        return message(apiVersion, kind).map(type -> {
            List<String> dropped = new ArrayList<>();
            byte[] raw = ProtobufJsonConverter.toProtobuf(type, object, dropped);
            return new Encoded(UnknownEnvelope.of(apiVersion, kind, raw).encode(), List.copyOf(dropped));
        });
    }

    /** Whether objects of this apiVersion and kind have a protobuf message here. */
    public static boolean hasMessage(String apiVersion, String kind) {
        return message(apiVersion, kind).isPresent();
    }

    private static Optional<Descriptor> message(String apiVersion, String kind) {
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        int slash = apiVersion.indexOf('/');
        return ProtobufBodies.KINDS.messageFor(slash < 0 ? "" : apiVersion.substring(0, slash),
                apiVersion.substring(slash + 1), kind);
    }

    /**
     * An encoded object.
     *
     * @param bytes the {@code k8s\0} envelope with the object's message
     * @param droppedFields paths (e.g. {@code spec.resources}) of members the message could not carry; a client
     *        reading these bytes does not see them
     */
    public record Encoded(byte[] bytes, List<String> droppedFields) {
    }
}
