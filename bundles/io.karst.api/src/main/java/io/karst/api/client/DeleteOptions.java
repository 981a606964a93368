package io.karst.api.client;

/**
 * The options of delete and deletecollection ({@code DeleteOptions}). {@code null} leaves a choice to the server.
 *
 * @param propagationPolicy what happens to dependents; {@code null} for the resource's default (Background)
 * @param gracePeriodSeconds how long the object's holder has to stop it (pods); {@code null} for the object's own
 * @param preconditionUid delete only if the object still has this uid (409 Conflict otherwise); {@code null} for no check
 * @param preconditionResourceVersion delete only if the object is still at this resourceVersion; {@code null} for
 *        no check
 * @param dryRun run every step but delete nothing ({@code dryRun=All})
 */
public record DeleteOptions(DeletionPropagation propagationPolicy, Long gracePeriodSeconds, String preconditionUid,
        String preconditionResourceVersion, boolean dryRun) {

    /** The server's defaults, no preconditions. */
    public static final DeleteOptions NONE = new DeleteOptions(null, null, null, null, false);

    public DeleteOptions withPropagationPolicy(DeletionPropagation policy) {
        return new DeleteOptions(policy, gracePeriodSeconds, preconditionUid, preconditionResourceVersion, dryRun);
    }

    public DeleteOptions withGracePeriodSeconds(Long seconds) {
        return new DeleteOptions(propagationPolicy, seconds, preconditionUid, preconditionResourceVersion, dryRun);
    }

    public DeleteOptions withPreconditionUid(String uid) {
        return new DeleteOptions(propagationPolicy, gracePeriodSeconds, uid, preconditionResourceVersion, dryRun);
    }

    public DeleteOptions withPreconditionResourceVersion(String resourceVersion) {
        return new DeleteOptions(propagationPolicy, gracePeriodSeconds, preconditionUid, resourceVersion, dryRun);
    }

    public DeleteOptions withDryRun(boolean dry) {
        return new DeleteOptions(propagationPolicy, gracePeriodSeconds, preconditionUid, preconditionResourceVersion,
                dry);
    }
}
