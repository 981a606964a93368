package io.karst.apiserver.codec.protobuf;

import static io.karst.apiserver.codec.protobuf.ProtobufJsonConverter.FIELDS_V1;
import static io.karst.apiserver.codec.protobuf.ProtobufJsonConverter.INT_OR_STRING;
import static io.karst.apiserver.codec.protobuf.ProtobufJsonConverter.MICRO_TIME;
import static io.karst.apiserver.codec.protobuf.ProtobufJsonConverter.QUANTITY;
import static io.karst.apiserver.codec.protobuf.ProtobufJsonConverter.RAW_EXTENSION;
import static io.karst.apiserver.codec.protobuf.ProtobufJsonConverter.TIME;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;

/**
 * Writes a JSON tree as the wire bytes of a message, driven by its descriptor, with no message objects in between.
 * Protobuf prefixes every nested message with its length, so the tree is walked twice, as protobuf's own
 * serializers do: the first walk measures every nested message (in the order they occur) and finds the members
 * the message has no field for; the second writes into one array of the exact size. A list of thousands of objects
 * then makes no garbage but its result, which matters on the server's small serial-GC heap.
 */
final class JsonProtobufWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> dropped;
    /** The sizes of the nested messages, in the order the walks meet them. */
    private final List<Integer> sizes = new ArrayList<>();
    /** Bytes fields (base64 data, embedded JSON), decoded once by the first walk. */
    private final List<byte[]> blobs = new ArrayList<>();
    private int nextSize;
    private int nextBlob;
    /** Null during the measuring walk. */
    private CodedOutputStream out;

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

    /** The message bytes of {@code json}. */
    byte[] message(Descriptor type, JsonNode json) {
        try {
            int size = fields(type, json, null);
            byte[] bytes = new byte[size];
            out = CodedOutputStream.newInstance(bytes);
            fields(type, json, null);
            out.checkNoSpaceLeft();
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    /** The size of the message's fields when measuring; when writing, writes them (and returns 0). */
    private int fields(Descriptor type, JsonNode json, Where where) throws IOException {
        switch (type.getFullName()) {
            case TIME -> {
                return int64(number(type, "seconds"), Instant.parse(json.asText()).getEpochSecond());
            }
            case MICRO_TIME -> {
                Instant instant = Instant.parse(json.asText());
                return int64(number(type, "seconds"), instant.getEpochSecond())
                        + int32(number(type, "nanos"), instant.getNano());
            }
            // a number is a valid Quantity in JSON (upstream reads {"cpu": 2}); its text is the quantity
            case QUANTITY -> {
                return string(number(type, "string"), json.asText());
            }
            case INT_OR_STRING -> {
                return json.isTextual()
                        ? int64(number(type, "type"), 1) + string(number(type, "strVal"), json.asText())
                        : int64(number(type, "type"), 0) + int32(number(type, "intVal"), json.asInt());
            }
            // FieldsV1 (bytes field Raw) and RawExtension (raw): the JSON itself
            case RAW_EXTENSION, FIELDS_V1 -> {
                return bytes(type.getFields().get(0).getNumber(), () -> JSON.writeValueAsBytes(json));
            }
            default -> {
                int size = 0;
                for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> member = it.next();
                    JsonNode value = member.getValue();
                    if (value.isNull()) {
                        continue;
                    }
                    FieldDescriptor field = field(type, member.getKey());
                    if (field == null) {
                        if (out == null && !member.getKey().equals("apiVersion") && !member.getKey().equals("kind")) {
                            dropped.add(new Where(where, member.getKey(), -1).toString());
                        }
                        continue;
                    }
                    Where child = new Where(where, member.getKey(), -1);
                    if (field.isMapField()) {
                        size += mapEntries(field, value, child);
                    } else if (field.isRepeated()) {
                        if (!value.isArray()) {
                            throw new IllegalArgumentException(field.getFullName() + ": a " + value.getNodeType()
                                    + " cannot be a repeated field");
                        }
                        int index = 0;
                        for (JsonNode item : value) {
                            size += value(field, item, new Where(child, null, index++));
                        }
                    } else {
                        size += value(field, value, child);
                    }
                }
                return size;
            }
        }
    }

    private int mapEntries(FieldDescriptor field, JsonNode map, Where where) throws IOException {
        if (!map.isObject()) {
            throw new IllegalArgumentException(field.getFullName() + ": a " + map.getNodeType() + " cannot be a map");
        }
        Descriptor entry = field.getMessageType();
        int key = number(entry, "key");
        FieldDescriptor valueField = field(entry, "value");
        int size = 0;
        for (Iterator<Map.Entry<String, JsonNode>> pairs = map.fields(); pairs.hasNext();) {
            Map.Entry<String, JsonNode> pair = pairs.next();
            Where at = new Where(where, pair.getKey(), -1);
            size += nested(field.getNumber(), () -> string(key, pair.getKey()) + value(valueField, pair.getValue(), at));
        }
        return size;
    }

    private int value(FieldDescriptor field, JsonNode json, Where where) throws IOException {
        if (out == null && !fits(field, json)) {
            // a silent zero or empty string would send something the object does not hold
            throw new IllegalArgumentException(field.getFullName() + ": a " + json.getNodeType()
                    + " cannot be a " + field.getJavaType() + " field");
        }
        int n = field.getNumber();
        switch (field.getType()) {
            case MESSAGE:
                return nested(n, () -> fields(field.getMessageType(), json, where));
            case STRING:
                return string(n, json.asText());
            case BOOL:
                if (out == null) {
                    return CodedOutputStream.computeBoolSize(n, json.asBoolean());
                }
                out.writeBool(n, json.asBoolean());
                return 0;
            case INT32:
                return int32(n, json.asInt());
            case INT64:
                return int64(n, json.asLong());
            case DOUBLE:
                if (out == null) {
                    return CodedOutputStream.computeDoubleSize(n, json.asDouble());
                }
                out.writeDouble(n, json.asDouble());
                return 0;
            case BYTES:
                return bytes(n, () -> Base64.getDecoder().decode(json.asText()));
            default:
                // the Kubernetes protos use none of the other scalar types
                throw new IllegalArgumentException(field.getFullName() + ": " + field.getType()
                        + " fields are not written");
        }
    }

    /** Work that measures or writes. */
    private interface Part {
        int run() throws IOException;
    }

    /** Bytes computed once. */
    private interface Blob {
        byte[] get() throws JsonProcessingException;
    }

    private int nested(int number, Part body) throws IOException {
        if (out == null) {
            int slot = sizes.size();
            sizes.add(0);
            int size = body.run();
            sizes.set(slot, size);
            return CodedOutputStream.computeTagSize(number) + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
        }
        out.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(sizes.get(nextSize++));
        body.run();
        return 0;
    }

    private int bytes(int number, Blob blob) throws IOException {
        if (out == null) {
            byte[] value = blob.get();
            blobs.add(value);
            return CodedOutputStream.computeByteArraySize(number, value);
        }
        out.writeByteArray(number, blobs.get(nextBlob++));
        return 0;
    }

    private int string(int number, String value) throws IOException {
        if (out == null) {
            return CodedOutputStream.computeStringSize(number, value);
        }
        out.writeString(number, value);
        return 0;
    }

    private int int32(int number, int value) throws IOException {
        if (out == null) {
            return CodedOutputStream.computeInt32Size(number, value);
        }
        out.writeInt32(number, value);
        return 0;
    }

    private int int64(int number, long value) throws IOException {
        if (out == null) {
            return CodedOutputStream.computeInt64Size(number, value);
        }
        out.writeInt64(number, value);
        return 0;
    }

    private static boolean fits(FieldDescriptor field, JsonNode json) {
        return switch (field.getJavaType()) {
            case MESSAGE -> switch (field.getMessageType().getFullName()) {
                case TIME, MICRO_TIME -> json.isTextual();
                case QUANTITY -> json.isTextual() || json.isNumber();
                case INT_OR_STRING -> json.isTextual() || json.canConvertToInt();
                case RAW_EXTENSION -> true;
                default -> json.isObject();
            };
            case STRING, BYTE_STRING -> json.isTextual();
            case ENUM -> false;
            case BOOLEAN -> json.isBoolean();
            case INT -> json.canConvertToInt() && json.isIntegralNumber();
            case LONG -> json.canConvertToLong() && json.isIntegralNumber();
            case FLOAT, DOUBLE -> json.isNumber();
        };
    }

    /**
     * Each message's fields by JSON member name (the Kubernetes protos name nearly every field as its member), built
     * once: the descriptor's own lookup concatenates the full name on every call.
     */
    private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS = new ConcurrentHashMap<>();

    private static FieldDescriptor field(Descriptor type, String name) {
        return FIELDS.computeIfAbsent(type, t -> {
            Map<String, FieldDescriptor> byName = new HashMap<>();
            for (FieldDescriptor field : t.getFields()) {
                byName.put(field.getJsonName(), field);
                byName.put(field.getName(), field);
            }
            return byName;
        }).get(name);
    }

    private static int number(Descriptor type, String name) {
        return field(type, name).getNumber();
    }
}
