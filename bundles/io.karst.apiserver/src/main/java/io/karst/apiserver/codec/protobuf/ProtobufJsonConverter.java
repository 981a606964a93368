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
        return jsonToMessage(type, json, "", dropped).toByteArray();
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
                    } else {
                        object.set(field.getJsonName(), valueToJson(field, entry.getValue()));
                    }
                }
                return object;
            }
        }
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

    private static Message jsonToMessage(Descriptor type, JsonNode json, String path, List<String> dropped) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        switch (type.getFullName()) {
            case TIME -> builder.setField(type.findFieldByName("seconds"), Instant.parse(json.asText()).getEpochSecond());
            case MICRO_TIME -> {
                Instant instant = Instant.parse(json.asText());
                builder.setField(type.findFieldByName("seconds"), instant.getEpochSecond());
                builder.setField(type.findFieldByName("nanos"), instant.getNano());
            }
            // a number is a valid Quantity in JSON (upstream reads {"cpu": 2}); its text is the quantity
            case QUANTITY -> builder.setField(type.findFieldByName("string"), json.asText());
            case INT_OR_STRING -> {
                if (json.isTextual()) {
                    builder.setField(type.findFieldByName("type"), 1L);
                    builder.setField(type.findFieldByName("strVal"), json.asText());
                } else {
                    builder.setField(type.findFieldByName("type"), 0L);
                    builder.setField(type.findFieldByName("intVal"), json.asInt());
                }
            }
            case RAW_EXTENSION, FIELDS_V1 -> {
                try {
                    builder.setField(type.findFieldByName(rawField(type)),
                            ByteString.copyFrom(JSON.writeValueAsBytes(json)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            default -> {
                for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> member = it.next();
                    FieldDescriptor field = fieldByJsonName(type, member.getKey());
                    if (member.getValue().isNull()) {
                        continue;
                    }
                    String child = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
                    if (field == null) {
                        if (!member.getKey().equals("apiVersion") && !member.getKey().equals("kind")) {
                            dropped.add(child);
                        }
                        continue;
                    }
                    if (field.isMapField()) {
                        Descriptor entryType = field.getMessageType();
                        FieldDescriptor value = entryType.findFieldByName("value");
                        for (Iterator<Map.Entry<String, JsonNode>> pairs = member.getValue().fields(); pairs.hasNext();) {
                            Map.Entry<String, JsonNode> pair = pairs.next();
                            builder.addRepeatedField(field, DynamicMessage.newBuilder(entryType)
                                    .setField(entryType.findFieldByName("key"), pair.getKey())
                                    .setField(value, jsonToValue(value, pair.getValue(), child + "." + pair.getKey(),
                                            dropped)).build());
                        }
                    } else if (field.isRepeated()) {
                        if (!member.getValue().isArray()) {
                            throw new IllegalArgumentException(field.getFullName() + ": a "
                                    + member.getValue().getNodeType() + " cannot be a repeated field");
                        }
                        int index = 0;
                        for (JsonNode item : member.getValue()) {
                            builder.addRepeatedField(field, jsonToValue(field, item, child + "[" + index++ + "]",
                                    dropped));
                        }
                    } else {
                        builder.setField(field, jsonToValue(field, member.getValue(), child, dropped));
                    }
                }
            }
        }
        return builder.build();
    }

    private static boolean fits(FieldDescriptor field, JsonNode json) {
        return switch (field.getJavaType()) {
            case MESSAGE -> switch (field.getMessageType().getFullName()) {
                case TIME, MICRO_TIME -> json.isTextual();
                case QUANTITY -> json.isTextual() || json.isNumber();
                case INT_OR_STRING -> json.isTextual() || json.canConvertToInt();
                case RAW_EXTENSION -> true;
                case FIELDS_V1 -> json.isObject();
                default -> json.isObject();
            };
            case STRING, BYTE_STRING, ENUM -> json.isTextual();
            case BOOLEAN -> json.isBoolean();
            case INT -> json.canConvertToInt() && json.isIntegralNumber();
            case LONG -> json.canConvertToLong() && json.isIntegralNumber();
            case FLOAT, DOUBLE -> json.isNumber();
        };
    }

    private static FieldDescriptor fieldByJsonName(Descriptor type, String name) {
        FieldDescriptor byName = type.findFieldByName(name);
        if (byName != null) {
            return byName; // the Kubernetes protos name nearly every field as its JSON member
        }
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJsonName().equals(name) || field.getName().equals(name)) {
                return field;
            }
        }
        return null;
    }

    private static Object jsonToValue(FieldDescriptor field, JsonNode json, String path, List<String> dropped) {
        if (!fits(field, json)) {
            // a silent zero or empty string would store something the client never sent
            throw new IllegalArgumentException(field.getFullName() + ": a " + json.getNodeType()
                    + " cannot be a " + field.getJavaType() + " field");
        }
        return switch (field.getJavaType()) {
            case MESSAGE -> jsonToMessage(field.getMessageType(), json, path, dropped);
            case STRING -> json.asText();
            case BOOLEAN -> json.asBoolean();
            case INT -> json.asInt();
            case LONG -> json.asLong();
            case FLOAT -> (float) json.asDouble();
            case DOUBLE -> json.asDouble();
            case BYTE_STRING -> ByteString.copyFrom(Base64.getDecoder().decode(json.asText()));
            case ENUM -> field.getEnumType().findValueByName(json.asText());
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
