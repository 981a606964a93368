package io.karst.apiserver.validation;

import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Test helpers: objects written as JSON with single quotes, and error lists as text. */
final class Objects {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Objects() {
    }

    static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static List<String> texts(List<FieldError> errors) {
        return errors.stream().map(FieldError::toString).collect(Collectors.toList());
    }
}
