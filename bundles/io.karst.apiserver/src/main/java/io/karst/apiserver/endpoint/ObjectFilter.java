package io.karst.apiserver.endpoint;

import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.ResourceType;

/**
 * Turns a request's label and field selectors into a test on objects; throws an {@code ApiException} (400) for a
 * selector that does not parse or names a field the resource does not support.
 */
@FunctionalInterface
public interface ObjectFilter {
    Predicate<ObjectNode> of(ResourceType type, String labelSelector, String fieldSelector);
}
