package io.karst.apiserver.codec;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.karst.apiserver.status.ApiException;

/**
 * Request bodies in, response bodies out: JSON (the default, also for a missing Content-Type) and YAML. A body
 * that is not one JSON/YAML object is a 400 with the parser's reason; a media type the server does not read is a
 * 415.
 */
public final class ObjectCodec {
    private final ObjectMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    /**
     * For stored values: as {@link #json}, without Jackson's shared table of field names. Stored objects carry
     * unique names (managedFields keys such as {@code k:{"ip":"10.64.3.7"}} for each pod's address), so the table
     * passed its 6,000-name limit and started over again and again, and every parse that added a name copied the
     * whole table first: a fifth of the server's allocation at 1,000 nodes and 10,000 pods (bench/scale, JFR). The
     * watch cache's trees share their keys themselves (interned as they are added).
     */
    private final ObjectMapper stored = JsonMapper.builder(JsonFactory.builder()
                    .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    private final ObjectMapper yaml = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .build())
            .build();

    public ObjectMapper json() {
        return json;
    }

    /** Decodes a request body that must be one object. */
    public ObjectNode decodeObject(byte[] body, String contentType) {
        return requireObject(decode(body, contentType));
    }

    private static ObjectNode decodeProtobuf(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("the request body is empty");
        }
        try {
            return io.karst.apiserver.codec.protobuf.ProtobufBodies.decode(body);
        } catch (io.karst.apiserver.codec.protobuf.MalformedProtobufException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (io.karst.apiserver.codec.protobuf.ProtobufBodies.UnsupportedKindException e) {
            throw ApiException.unsupportedMediaType(MediaTypes.PROTOBUF);
        }
    }

    /** A decoded body that must be one object. */
    public ObjectNode requireObject(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest("the request body must be a JSON or YAML object, not "
                    + (node == null || node.isMissingNode() ? "empty" : node.getNodeType().toString().toLowerCase()));
        }
        return object;
    }

    /** Decodes any JSON/YAML body (a JSON Patch is an array). */
    public JsonNode decode(byte[] body, String contentType) {
        String type = MediaTypes.essence(contentType);
        if (type.equals(MediaTypes.PROTOBUF)) {
            return decodeProtobuf(body);
        }
        ObjectMapper mapper = switch (type) {
            case "", MediaTypes.JSON, MediaTypes.MERGE_PATCH, MediaTypes.JSON_PATCH,
                    MediaTypes.STRATEGIC_MERGE_PATCH -> json;
            case MediaTypes.YAML, "application/x-yaml", "text/yaml", MediaTypes.APPLY_PATCH -> yaml;
            default -> throw ApiException.unsupportedMediaType(contentType);
        };
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("the request body is empty");
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest("the request body is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid " + (mapper == yaml ? "YAML" : "JSON")
                    + ": " + e.getOriginalMessage() + location(e));
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    public byte[] encodeJson(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a JSON tree", e);
        }
    }

    public byte[] encodeYaml(JsonNode node) {
        try {
            return yaml.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a YAML tree", e);
        }
    }

    /** Parses a stored value (always JSON, written by this server). */
    public ObjectNode parseStored(byte[] value) {
        return parseStored(value, null);
    }

    /**
     * Parses a stored value into nodes of {@code nodes} (the default factory when null), e.g. freezable ones for
     * the watch cache, which then needs no second copy to make them read-only.
     */
    public ObjectNode parseStored(byte[] value, JsonNodeFactory nodes) {
        try {
            return (ObjectNode) (nodes == null ? stored.readTree(value) : stored.reader().with(nodes).readTree(value));
        } catch (IOException | ClassCastException e) {
            throw ApiException.internal("a stored object cannot be decoded: " + e.getMessage());
        }
    }
}
