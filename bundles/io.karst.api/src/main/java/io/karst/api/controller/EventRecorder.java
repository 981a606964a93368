package io.karst.api.controller;

import org.osgi.annotation.versioning.ProviderType;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Records core/v1 Events about objects, as client-go's recorder does: the same event repeated within minutes
 * updates one Event's count and lastTimestamp instead of creating another. Never throws: an event that cannot be
 * written is logged and dropped.
 */
@ProviderType
public interface EventRecorder {
    String NORMAL = "Normal";
    String WARNING = "Warning";

    /**
     * @param involved the object the event is about (its kind, apiVersion and metadata are read)
     * @param type {@link #NORMAL} or {@link #WARNING}
     * @param reason UpperCamelCase, e.g. {@code FailedScheduling}
     */
    void event(ObjectNode involved, String type, String reason, String message);
}
