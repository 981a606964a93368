package io.karst.apiserver.codec.protobuf;

import java.util.List;
import java.util.Map;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Certificates;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;

/**
 * Request bodies in {@code application/vnd.kubernetes.protobuf} (what kubectl ≥1.32 and Helm ≥3.17 send for
 * their typed creates), decoded into the JSON tree the rest of the server works on. The messages come from
 * client-java-proto 24.0.0, whose protos are older than Kubernetes 1.33 for some types: a body carrying a field
 * those protos do not know is refused rather than stored without it.
 */
public final class ProtobufBodies {
    /** Every built-in kind this server has a message for (the meta kinds included). */
    static final ProtobufKinds KINDS = new ProtobufKinds(List.of(Meta.getDescriptor(),
            Runtime.getDescriptor(), Resource.getDescriptor(), IntStr.getDescriptor(), V1.getDescriptor(),
            V1Apps.getDescriptor(), V1Batch.getDescriptor(), V1Rbac.getDescriptor(), V1Policy.getDescriptor(),
            V1Networking.getDescriptor(), V1Storage.getDescriptor(), V1Scheduling.getDescriptor(),
            V1Autoscaling.getDescriptor(), V1Authentication.getDescriptor(), V1Authorization.getDescriptor(),
            V1Certificates.getDescriptor(), V1Admissionregistration.getDescriptor()));

    private ProtobufBodies() {
    }

    /**
     * @throws MalformedProtobufException for bytes that are not an enveloped message of a known kind
     * @throws UnsupportedKindException for a kind without a protobuf message here
     */
    public static ObjectNode decode(byte[] body) {
        UnknownEnvelope envelope = UnknownEnvelope.decode(body);
        String apiVersion = envelope.apiVersion();
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        Descriptor type = KINDS.messageFor(group, version, envelope.kind()).orElseThrow(
                () -> new UnsupportedKindException(apiVersion, envelope.kind()));
        DynamicMessage message;
        try {
            message = DynamicMessage.parseFrom(type, envelope.raw());
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedProtobufException("malformed " + type.getFullName() + ": " + e.getMessage(), e);
        }
        String unknown = firstUnknownField(message, "");
        if (unknown != null) {
            throw new MalformedProtobufException("the " + envelope.kind() + " carries protobuf field " + unknown
                    + ", which this server's protobuf types do not know; send it as JSON", null);
        }
        ObjectNode tree = ProtobufJsonConverter.toJson(type, envelope.raw());
        ObjectNode withTypeMeta = tree.objectNode();
        withTypeMeta.put("apiVersion", apiVersion);
        withTypeMeta.put("kind", envelope.kind());
        withTypeMeta.setAll(tree);
        return withTypeMeta;
    }

    /** The path of the first field the descriptors do not know, or null. */
    private static String firstUnknownField(Message message, String path) {
        if (!message.getUnknownFields().asMap().isEmpty()) {
            return path + "#" + message.getUnknownFields().asMap().keySet().iterator().next();
        }
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            String child = path.isEmpty() ? field.getKey().getName() : path + "." + field.getKey().getName();
            if (field.getValue() instanceof List<?> list) {
                for (Object item : list) {
                    String found = firstUnknownField((Message) item, child);
                    if (found != null) {
                        return found;
                    }
                }
            } else {
                String found = firstUnknownField((Message) field.getValue(), child);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** A kind this server has no protobuf message for (custom resources, newer groups). */
    public static final class UnsupportedKindException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsupportedKindException(String apiVersion, String kind) {
            super("no protobuf message for " + apiVersion + ", Kind=" + kind, null, false, false);
        }
    }
}
