package io.karst.api.client;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One page of a list: the objects, and the list's {@code metadata.resourceVersion} and {@code metadata.continue}.
 *
 * @param resourceVersion the version the page was read at; watch from it to follow changes after the list
 * @param continueToken pass to {@link ListOptions#withContinue} for the next page; "" on the last page
 */
public record ObjectList(String resourceVersion, String continueToken, List<ObjectNode> items) {

    public ObjectList {
        continueToken = continueToken == null ? "" : continueToken;
        items = List.copyOf(items);
    }

    /** Whether more pages follow. */
    public boolean hasMore() {
        return !continueToken.isEmpty();
    }
}
