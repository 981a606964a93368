package io.karst.api.client;

/** The Content-Types of the patch verbs, as {@code kubectl patch --type} and client-go's {@code PatchType} name them. */
public final class PatchTypes {
    /** RFC 6902: an array of operations. */
    public static final String JSON_PATCH = "application/json-patch+json";
    /** RFC 7386: an object merged into the target; {@code null} removes a field. */
    public static final String MERGE_PATCH = "application/merge-patch+json";
    /** Kubernetes' strategic merge patch (lists merged by key); served once the write path supports it. */
    public static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    /** Server-side apply; served once the write path supports it. */
    public static final String APPLY_PATCH = "application/apply-patch+yaml";

    private PatchTypes() {
    }
}
