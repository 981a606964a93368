package io.karst.apiserver.codec.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Converts between a Kubernetes protobuf message and its JSON tree, driven only by the message descriptor. The
 * Kubernetes protos name their fields as the JSON does; the few wire types whose JSON form is not their message
 * shape (Time, MicroTime, Quantity, IntOrString, RawExtension) are converted as upstream's JSON marshallers do.
 * Fields absent from the message are absent from the JSON, as upstream's omitempty leaves them out.
 */
public final class ProtobufJsonConverter {

    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    static final String TIME = META + "Time";
    static final String MICRO_TIME = META + "MicroTime";
    static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
    static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
    static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";
    /** managedFields' field sets: a JSON object in JSON, its JSON bytes in protobuf. */
    static final String FIELDS_V1 = META + "FieldsV1";

    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSX")
            .withZone(java.time.ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ProtobufJsonConverter() {
    }

    /** The JSON tree of a message's bytes. */
    public static ObjectNode toJson(Descriptor type, byte[] bytes) {
        try {
            return (ObjectNode) messageToJson(DynamicMessage.parseFrom(type, bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedProtobufException("malformed " + type.getFullName() + ": " + e.getMessage(), e);
        }
    }

    /** The message bytes of a JSON tree; fields the message does not have are dropped, as upstream's decoder does. */
    public static byte[] toProtobuf(Descriptor type, ObjectNode json) {
        return toProtobuf(type, json, new ArrayList<>());
    }

    /**
     * The message bytes of a JSON tree, adding to {@code dropped} the path of every member the message has no
     * field for ({@code apiVersion} and {@code kind} excepted: the envelope carries them, and list items and
     * embedded objects have them only in JSON). Absent and null members, and empty maps and lists, are not written,
     * so the JSON read back leaves them out as upstream's omitempty does.
     */
    public static byte[] toProtobuf(Descriptor type, ObjectNode json, List<String> dropped) {
        return new JsonProtobufWriter(dropped).message(type, json);
    }

    private static JsonNode messageToJson(Message message) {
        switch (message.getDescriptorForType().getFullName()) {
            case TIME -> {
                return NODES.textNode(Instant.ofEpochSecond(longField(message, "seconds")).toString());
            }
            case MICRO_TIME -> {
                Instant instant = Instant.ofEpochSecond(longField(message, "seconds"), longField(message, "nanos"));
                return NODES.textNode(MICROS.format(instant.truncatedTo(ChronoUnit.MICROS)));
            }
            case QUANTITY -> {
                return NODES.textNode(String.valueOf(field(message, "string")));
            }
            case INT_OR_STRING -> {
                return longField(message, "type") == 1 ? NODES.textNode(String.valueOf(field(message, "strVal")))
                        : NODES.numberNode((int) longField(message, "intVal"));
            }
            case RAW_EXTENSION, FIELDS_V1 -> {
                try {
                    return JSON.readTree(((ByteString) field(message, rawField(message.getDescriptorForType())))
                            .toByteArray());
                } catch (IOException e) {
                    throw new MalformedProtobufException("embedded object is not JSON: " + e.getMessage(), e);
                }
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
                    FieldDescriptor field = entry.getKey();
                    if (field.isMapField()) {
                        ObjectNode map = object.putObject(field.getJsonName());
                        for (Object item : (List<?>) entry.getValue()) {
                            Message pair = (Message) item;
                            map.set(String.valueOf(field(pair, "key")),
                                    valueToJson(pair.getDescriptorForType().findFieldByName("value"), field(pair, "value")));
                        }
                    } else if (field.isRepeated()) {
                        ArrayNode array = object.putArray(field.getJsonName());
                        for (Object item : (List<?>) entry.getValue()) {
                            array.add(valueToJson(field, item));
                        }
                    } else if (!isGoZero(field, entry.getValue())) {
                        object.set(field.getJsonName(), valueToJson(field, entry.getValue()));
                    }
                }
                return object;
            }
        }
    }

    /**
     * Go's marshaller writes every non-pointer field, so a client's message carries empty strings and zero
     * timestamps it never set (kubectl's ObjectMeta has generateName "" and creationTimestamp {}). Upstream decodes
     * them into its structs, whose JSON leaves them out (omitempty; a zero Time is null): so does this converter.
     * Map values and list items are kept as they are.
     */
    private static boolean isGoZero(FieldDescriptor field, Object value) {
        if (field.getJavaType() == FieldDescriptor.JavaType.STRING) {
            return ((String) value).isEmpty();
        }
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            String type = field.getMessageType().getFullName();
            return (type.equals(TIME) || type.equals(MICRO_TIME)) && longField((Message) value, "seconds") == 0
                    && longField((Message) value, "nanos") == 0;
        }
        return false;
    }

    private static JsonNode valueToJson(FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case MESSAGE -> messageToJson((Message) value);
            case STRING -> NODES.textNode((String) value);
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case INT -> NODES.numberNode((Integer) value);
            // as Jackson reads the JSON form: an int64 that fits an int becomes an IntNode, so trees compare equal
            case LONG -> (Long) value == ((Long) value).intValue() ? NODES.numberNode(((Long) value).intValue())
                    : NODES.numberNode((Long) value);
            case FLOAT -> NODES.numberNode((Float) value);
            case DOUBLE -> NODES.numberNode((Double) value);
            case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> NODES.textNode(value.toString());
        };
    }

    /** FieldsV1 names its bytes as the Go field, {@code Raw}; RawExtension {@code raw}. */
    private static String rawField(Descriptor type) {
        return type.getFullName().equals(FIELDS_V1) ? "Raw" : "raw";
    }

    private static Object field(Message message, String name) {
        return message.getField(message.getDescriptorForType().findFieldByName(name));
    }

    private static long longField(Message message, String name) {
        return ((Number) field(message, name)).longValue();
    }
}
