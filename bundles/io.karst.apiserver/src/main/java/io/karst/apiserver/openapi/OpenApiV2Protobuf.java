package io.karst.apiserver.openapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import com.google.protobuf.CodedOutputStream;

/**
 * The swagger 2.0 document in gnostic's protobuf form ({@code application/com.github.proto-openapi.spec.v2@v1.0+protobuf}),
 * which kubectl 1.27 and 1.28 ask for to validate and explain. Written field by field with protobuf-java's wire
 * writer after gnostic's OpenAPIv2.proto (Document, Definitions, NamedSchema, Schema, NamedAny, Any); no
 * generated classes exist on Maven Central. Carries the definitions with their vendor extensions
 * ({@code x-kubernetes-group-version-kind}), which is what kubectl reads; paths are not carried.
 */
public final class OpenApiV2Protobuf {
    private OpenApiV2Protobuf() {
    }

    /** Encodes a swagger 2.0 JSON document. */
    public static byte[] encode(JsonNode swagger) {
        return message(out -> {
            out.writeString(1, swagger.path("swagger").asText("2.0"));
            out.writeByteArray(2, message(info -> {
                info.writeString(1, swagger.path("info").path("title").asText("Kubernetes"));
                info.writeString(2, swagger.path("info").path("version").asText(""));
            }));
            out.writeByteArray(9, message(definitions -> {
                Iterator<Map.Entry<String, JsonNode>> it = swagger.path("definitions").fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> d = it.next();
                    definitions.writeByteArray(1, namedSchema(d.getKey(), d.getValue()));
                }
            }));
        });
    }

    private static byte[] namedSchema(String name, JsonNode schema) {
        return message(out -> {
            out.writeString(1, name);
            out.writeByteArray(2, schema(schema));
        });
    }

    private static byte[] schema(JsonNode s) {
        return message(out -> {
            text(out, 1, s.get("$ref"));
            text(out, 2, s.get("format"));
            text(out, 3, s.get("title"));
            text(out, 4, s.get("description"));
            if (s.has("default")) {
                out.writeByteArray(5, any(s.get("default")));
            }
            for (JsonNode r : s.path("required")) {
                out.writeString(19, r.asText());
            }
            for (JsonNode e : s.path("enum")) {
                out.writeByteArray(20, any(e));
            }
            JsonNode additional = s.get("additionalProperties");
            if (additional != null) {
                out.writeByteArray(21, message(item -> {
                    if (additional.isBoolean()) {
                        item.writeBool(2, additional.asBoolean());
                    } else {
                        item.writeByteArray(1, schema(additional));
                    }
                }));
            }
            JsonNode type = s.get("type");
            if (type != null) {
                out.writeByteArray(22, message(item -> {
                    if (type.isArray()) {
                        for (JsonNode t : type) {
                            item.writeString(1, t.asText());
                        }
                    } else {
                        item.writeString(1, type.asText());
                    }
                }));
            }
            JsonNode items = s.get("items");
            if (items != null) {
                out.writeByteArray(23, message(item -> {
                    if (items.isArray()) {
                        for (JsonNode i : items) {
                            item.writeByteArray(1, schema(i));
                        }
                    } else {
                        item.writeByteArray(1, schema(items));
                    }
                }));
            }
            for (JsonNode a : s.path("allOf")) {
                out.writeByteArray(24, schema(a));
            }
            JsonNode properties = s.get("properties");
            if (properties != null) {
                out.writeByteArray(25, message(props -> {
                    Iterator<Map.Entry<String, JsonNode>> it = properties.fields();
                    while (it.hasNext()) {
                        Map.Entry<String, JsonNode> p = it.next();
                        props.writeByteArray(1, namedSchema(p.getKey(), p.getValue()));
                    }
                }));
            }
            if (s.path("readOnly").asBoolean(false)) {
                out.writeBool(27, true);
            }
            Iterator<Map.Entry<String, JsonNode>> fields = s.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (f.getKey().startsWith("x-")) {
                    out.writeByteArray(31, message(named -> {
                        named.writeString(1, f.getKey());
                        named.writeByteArray(2, any(f.getValue()));
                    }));
                }
            }
        });
    }

    /** gnostic's Any: the value as YAML text (JSON is YAML), which is how kube-openapi reads extensions. */
    private static byte[] any(JsonNode value) {
        return message(out -> out.writeString(2, value.toString()));
    }

    private static void text(CodedOutputStream out, int field, JsonNode value) throws IOException {
        if (value != null && value.isTextual() && !value.asText().isEmpty()) {
            out.writeString(field, value.asText());
        }
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Writer writer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            writer.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
