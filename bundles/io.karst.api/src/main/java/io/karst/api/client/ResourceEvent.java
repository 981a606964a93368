package io.karst.api.client;

import java.util.Objects;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One event of a watch, as the API's {@code WatchEvent}. Its object may be shared with other watchers and informers
 * (the in-process client hands every watcher the watch cache's own tree): never modify it ({@code deepCopy()}
 * first); the in-process client's are read-only trees that throw {@link UnsupportedOperationException} when changed.
 *
 * @param object the object after the change; for {@link Type#DELETED} its last state; for {@link Type#BOOKMARK}
 *        an object with only kind, apiVersion and {@code metadata.resourceVersion}; for {@link Type#ERROR} a
 *        {@code Status}
 */
public record ResourceEvent(Type type, ObjectNode object) {

    public enum Type { ADDED, MODIFIED, DELETED, BOOKMARK, ERROR }

    public ResourceEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(object, "object");
    }

    /** The object's {@code metadata.resourceVersion}. */
    public String resourceVersion() {
        return object.path("metadata").path("resourceVersion").asText("");
    }
}
