package io.karst.apiserver.table;

import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Test objects written as JSON, and the fixed clock they are printed at. */
final class Json {
    static final Instant NOW = Instant.parse("2025-05-01T12:00:00Z");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An RFC 3339 time the given number of seconds before {@link #NOW}. */
    static String ago(long seconds) {
        return NOW.minusSeconds(seconds).toString();
    }
}
