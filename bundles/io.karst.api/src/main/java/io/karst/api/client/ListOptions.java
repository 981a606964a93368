package io.karst.api.client;

/**
 * The options of list and watch, with the meaning and validation of the API's {@code ListOptions} query
 * parameters. Empty strings and zeros mean "not given". Build with {@link #NONE} and the {@code with...} methods.
 *
 * @param labelSelector e.g. {@code app=web,tier!=db}
 * @param fieldSelector e.g. {@code metadata.name=web}, {@code spec.nodeName=node-1}
 * @param resourceVersion list: "" for the latest state, {@code 0} for any, otherwise not older than (or exactly,
 *        with {@code resourceVersionMatch=Exact}) that version; watch: the version after which events are sent
 * @param resourceVersionMatch "", {@code NotOlderThan} or {@code Exact}
 * @param limit list: the most objects per page, 0 for no limit
 * @param continueToken list: the {@link ObjectList#continueToken()} of the previous page
 * @param allowWatchBookmarks watch: also send BOOKMARK events carrying the latest resourceVersion
 * @param timeoutSeconds watch: end the watch after this long, 0 for the server's default (30 to 60 minutes)
 * @param sendInitialEvents watch: start with ADDED events for the current state; {@code null} leaves the server's
 *        default (only when watching from resourceVersion "" or 0)
 */
public record ListOptions(String labelSelector, String fieldSelector, String resourceVersion,
        String resourceVersionMatch, long limit, String continueToken, boolean allowWatchBookmarks,
        long timeoutSeconds, Boolean sendInitialEvents) {

    /** No selector, no paging, the latest state. */
    public static final ListOptions NONE = new ListOptions("", "", "", "", 0, "", false, 0, null);

    public ListOptions {
        labelSelector = orEmpty(labelSelector);
        fieldSelector = orEmpty(fieldSelector);
        resourceVersion = orEmpty(resourceVersion);
        resourceVersionMatch = orEmpty(resourceVersionMatch);
        continueToken = orEmpty(continueToken);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    public ListOptions withLabelSelector(String selector) {
        return new ListOptions(selector, fieldSelector, resourceVersion, resourceVersionMatch, limit, continueToken,
                allowWatchBookmarks, timeoutSeconds, sendInitialEvents);
    }

    public ListOptions withFieldSelector(String selector) {
        return new ListOptions(labelSelector, selector, resourceVersion, resourceVersionMatch, limit, continueToken,
                allowWatchBookmarks, timeoutSeconds, sendInitialEvents);
    }

    public ListOptions withResourceVersion(String version) {
        return new ListOptions(labelSelector, fieldSelector, version, resourceVersionMatch, limit, continueToken,
                allowWatchBookmarks, timeoutSeconds, sendInitialEvents);
    }

    public ListOptions withResourceVersionMatch(String match) {
        return new ListOptions(labelSelector, fieldSelector, resourceVersion, match, limit, continueToken,
                allowWatchBookmarks, timeoutSeconds, sendInitialEvents);
    }

    public ListOptions withLimit(long pageSize) {
        return new ListOptions(labelSelector, fieldSelector, resourceVersion, resourceVersionMatch, pageSize,
                continueToken, allowWatchBookmarks, timeoutSeconds, sendInitialEvents);
    }

    public ListOptions withContinue(String token) {
        return new ListOptions(labelSelector, fieldSelector, resourceVersion, resourceVersionMatch, limit, token,
                allowWatchBookmarks, timeoutSeconds, sendInitialEvents);
    }

    public ListOptions withAllowWatchBookmarks(boolean allow) {
        return new ListOptions(labelSelector, fieldSelector, resourceVersion, resourceVersionMatch, limit,
                continueToken, allow, timeoutSeconds, sendInitialEvents);
    }

    public ListOptions withTimeoutSeconds(long seconds) {
        return new ListOptions(labelSelector, fieldSelector, resourceVersion, resourceVersionMatch, limit,
                continueToken, allowWatchBookmarks, seconds, sendInitialEvents);
    }

    public ListOptions withSendInitialEvents(Boolean send) {
        return new ListOptions(labelSelector, fieldSelector, resourceVersion, resourceVersionMatch, limit,
                continueToken, allowWatchBookmarks, timeoutSeconds, send);
    }
}
