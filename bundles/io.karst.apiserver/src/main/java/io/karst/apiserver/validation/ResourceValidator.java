package io.karst.apiserver.validation;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Semantic validation of one resource. Both methods expect defaulted objects whose metadata the write path has
 * already filled (name generated from generateName, namespace from the URL, uid and creationTimestamp). An empty
 * list means valid; otherwise answer {@link InvalidStatus}.
 */
public interface ResourceValidator {
    List<FieldError> validateCreate(ObjectNode obj);

    List<FieldError> validateUpdate(ObjectNode newObj, ObjectNode oldObj);
}
