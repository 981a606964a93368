package io.karst.api.node;

import java.util.List;

/** @param pinned never removed by image garbage collection (imported and sandbox images) */
public record Image(String id, List<String> repoTags, List<String> repoDigests, long size, boolean pinned) {
    public Image {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
    }
}
