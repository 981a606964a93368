package io.karst.apiserver.endpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One watch event: {@code ADDED}, {@code MODIFIED}, {@code DELETED}, {@code BOOKMARK} or {@code ERROR} with its
 * object (a {@code Status} for errors). The HTTP layer encodes it for the client's media type.
 */
public record WatchFrame(String type, ObjectNode object) {
}
