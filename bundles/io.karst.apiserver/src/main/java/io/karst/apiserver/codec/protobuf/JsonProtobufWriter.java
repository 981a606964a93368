package io.karst.apiserver.codec.protobuf;

import static io.karst.apiserver.codec.protobuf.ProtobufJsonConverter.FIELDS_V1;
import static io.karst.apiserver.codec.protobuf.ProtobufJsonConverter.INT_OR_STRING;
import static io.karst.apiserver.codec.protobuf.ProtobufJsonConverter.MICRO_TIME;
import static io.karst.apiserver.codec.protobuf.ProtobufJsonConverter.QUANTITY;
import static io.karst.apiserver.codec.protobuf.ProtobufJsonConverter.RAW_EXTENSION;
import static io.karst.apiserver.codec.protobuf.ProtobufJsonConverter.TIME;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * Writes a JSON tree as the wire bytes of a message, driven by its descriptor, straight to the output: no message
 * objects in between, so a list of thousands of objects costs about what its JSON does. Each nested message is
 * written to its own buffer first, because protobuf prefixes it with its length.
 */
final class JsonProtobufWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> dropped;

    JsonProtobufWriter(List<String> dropped) {
        this.dropped = dropped;
    }

    /** Where a member sits, made into text only when it is reported. */
    private record Where(Where parent, String name, int index) {
        @Override
        public String toString() {
            String self = index >= 0 ? "[" + index + "]" : name;
            if (parent == null) {
                return self;
            }
            return index >= 0 ? parent + self : parent + "." + self;
        }
    }

    byte[] message(Descriptor type, JsonNode json) {
        return message(type, json, null);
    }

    private byte[] message(Descriptor type, JsonNode json, Where where) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            CodedOutputStream out = CodedOutputStream.newInstance(bytes, 256);
            fields(out, type, json, where);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    private void fields(CodedOutputStream out, Descriptor type, JsonNode json, Where where) throws IOException {
        switch (type.getFullName()) {
            case TIME -> out.writeInt64(number(type, "seconds"), Instant.parse(json.asText()).getEpochSecond());
            case MICRO_TIME -> {
                Instant instant = Instant.parse(json.asText());
                out.writeInt64(number(type, "seconds"), instant.getEpochSecond());
                out.writeInt32(number(type, "nanos"), instant.getNano());
            }
            // a number is a valid Quantity in JSON (upstream reads {"cpu": 2}); its text is the quantity
            case QUANTITY -> out.writeString(number(type, "string"), json.asText());
            case INT_OR_STRING -> {
                if (json.isTextual()) {
                    out.writeInt64(number(type, "type"), 1);
                    out.writeString(number(type, "strVal"), json.asText());
                } else {
                    out.writeInt64(number(type, "type"), 0);
                    out.writeInt32(number(type, "intVal"), json.asInt());
                }
            }
            // FieldsV1 names its bytes as the Go field, Raw; RawExtension raw
            case RAW_EXTENSION, FIELDS_V1 -> out.writeByteArray(type.getFields().get(0).getNumber(),
                    JSON.writeValueAsBytes(json));
            default -> {
                for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> member = it.next();
                    JsonNode value = member.getValue();
                    if (value.isNull()) {
                        continue;
                    }
                    FieldDescriptor field = field(type, member.getKey());
                    if (field == null) {
                        if (!member.getKey().equals("apiVersion") && !member.getKey().equals("kind")) {
                            dropped.add(new Where(where, member.getKey(), -1).toString());
                        }
                        continue;
                    }
                    Where child = new Where(where, member.getKey(), -1);
                    if (field.isMapField()) {
                        mapEntries(out, field, value, child);
                    } else if (field.isRepeated()) {
                        if (!value.isArray()) {
                            throw new IllegalArgumentException(field.getFullName() + ": a " + value.getNodeType()
                                    + " cannot be a repeated field");
                        }
                        int index = 0;
                        for (JsonNode item : value) {
                            value(out, field, item, new Where(child, null, index++));
                        }
                    } else {
                        value(out, field, value, child);
                    }
                }
            }
        }
    }

    private void mapEntries(CodedOutputStream out, FieldDescriptor field, JsonNode map, Where where)
            throws IOException {
        if (!map.isObject()) {
            throw new IllegalArgumentException(field.getFullName() + ": a " + map.getNodeType() + " cannot be a map");
        }
        Descriptor entry = field.getMessageType();
        FieldDescriptor key = entry.findFieldByName("key");
        FieldDescriptor valueField = entry.findFieldByName("value");
        for (Iterator<Map.Entry<String, JsonNode>> pairs = map.fields(); pairs.hasNext();) {
            Map.Entry<String, JsonNode> pair = pairs.next();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
            CodedOutputStream entryOut = CodedOutputStream.newInstance(bytes, 64);
            entryOut.writeString(key.getNumber(), pair.getKey());
            value(entryOut, valueField, pair.getValue(), new Where(where, pair.getKey(), -1));
            entryOut.flush();
            out.writeByteArray(field.getNumber(), bytes.toByteArray());
        }
    }

    private void value(CodedOutputStream out, FieldDescriptor field, JsonNode json, Where where) throws IOException {
        if (!fits(field, json)) {
            // a silent zero or empty string would send something the object does not hold
            throw new IllegalArgumentException(field.getFullName() + ": a " + json.getNodeType()
                    + " cannot be a " + field.getJavaType() + " field");
        }
        int n = field.getNumber();
        switch (field.getType()) {
            case MESSAGE -> out.writeByteArray(n, message(field.getMessageType(), json, where));
            case STRING -> out.writeString(n, json.asText());
            case BOOL -> out.writeBool(n, json.asBoolean());
            case INT32 -> out.writeInt32(n, json.asInt());
            case SINT32 -> out.writeSInt32(n, json.asInt());
            case UINT32 -> out.writeUInt32(n, json.asInt());
            case FIXED32 -> out.writeFixed32(n, json.asInt());
            case SFIXED32 -> out.writeSFixed32(n, json.asInt());
            case INT64 -> out.writeInt64(n, json.asLong());
            case SINT64 -> out.writeSInt64(n, json.asLong());
            case UINT64 -> out.writeUInt64(n, json.asLong());
            case FIXED64 -> out.writeFixed64(n, json.asLong());
            case SFIXED64 -> out.writeSFixed64(n, json.asLong());
            case DOUBLE -> out.writeDouble(n, json.asDouble());
            case FLOAT -> out.writeFloat(n, (float) json.asDouble());
            case BYTES -> out.writeByteArray(n, Base64.getDecoder().decode(json.asText()));
            case ENUM -> out.writeEnum(n, field.getEnumType().findValueByName(json.asText()).getNumber());
            case GROUP -> throw new IllegalArgumentException(field.getFullName() + ": groups are not Kubernetes types");
        }
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
            case STRING, BYTE_STRING -> json.isTextual();
            case ENUM -> json.isTextual() && field.getEnumType().findValueByName(json.asText()) != null;
            case BOOLEAN -> json.isBoolean();
            case INT -> json.canConvertToInt() && json.isIntegralNumber();
            case LONG -> json.canConvertToLong() && json.isIntegralNumber();
            case FLOAT, DOUBLE -> json.isNumber();
        };
    }

    private static FieldDescriptor field(Descriptor type, String name) {
        FieldDescriptor byName = type.findFieldByName(name);
        if (byName != null) {
            return byName; // the Kubernetes protos name nearly every field as its JSON member
        }
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJsonName().equals(name)) {
                return field;
            }
        }
        return null;
    }

    private static int number(Descriptor type, String field) {
        return type.findFieldByName(field).getNumber();
    }
}
