package io.karst.apiserver.endpoint;

import io.karst.apiserver.status.ApiException;

/**
 * The list and watch query parameters the verbs act on, validated as kube-apiserver validates ListOptions.
 *
 * @param resourceVersion "" when not given
 * @param resourceVersionMatch "" when not given
 * @param timeoutSeconds 0 for the server's default
 */
public record ListQuery(long limit, String continueToken, String resourceVersion, String resourceVersionMatch,
        boolean watch, boolean allowWatchBookmarks, long timeoutSeconds, Boolean sendInitialEvents,
        String labelSelector, String fieldSelector) {

    public static ListQuery of(ResourceRequest request) {
        String rvMatch = orEmpty(request.param("resourceVersionMatch"));
        String rv = orEmpty(request.param("resourceVersion"));
        boolean watch = request.path().watch() || request.flag("watch");
        String send = request.param("sendInitialEvents");
        Boolean sendInitialEvents = send == null ? null : Boolean.valueOf(send.equals("true") || send.equals("1"));
        ListQuery q = new ListQuery(number(request, "limit"), orEmpty(request.param("continue")), rv, rvMatch, watch,
                request.flag("allowWatchBookmarks"), number(request, "timeoutSeconds"), sendInitialEvents,
                orEmpty(request.param("labelSelector")), orEmpty(request.param("fieldSelector")));
        q.validate();
        return q;
    }

    private void validate() {
        if (!resourceVersion.isEmpty()) {
            try {
                if (Long.parseLong(resourceVersion) < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid resource version: " + resourceVersion);
            }
        }
        if (!resourceVersionMatch.isEmpty()) {
            if (watch) {
                throw invalidOptions("resourceVersionMatch", resourceVersionMatch,
                        "resourceVersionMatch is forbidden for watch");
            }
            if (resourceVersion.isEmpty()) {
                throw invalidOptions("resourceVersionMatch", resourceVersionMatch,
                        "resourceVersionMatch is forbidden unless resourceVersion is provided");
            }
            if (!continueToken.isEmpty()) {
                throw invalidOptions("resourceVersionMatch", resourceVersionMatch,
                        "resourceVersionMatch is forbidden when continue is provided");
            }
            if (!resourceVersionMatch.equals("NotOlderThan") && !resourceVersionMatch.equals("Exact")) {
                throw invalidOptions("resourceVersionMatch", resourceVersionMatch,
                        "supported values: \"Exact\", \"NotOlderThan\"");
            }
            if (resourceVersionMatch.equals("Exact") && resourceVersion.equals("0")) {
                throw invalidOptions("resourceVersionMatch", resourceVersionMatch,
                        "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
            }
        }
        if (sendInitialEvents != null && !watch) {
            throw invalidOptions("sendInitialEvents", sendInitialEvents.toString(),
                    "sendInitialEvents is forbidden for list");
        }
        if (!continueToken.isEmpty() && !resourceVersion.isEmpty() && !resourceVersion.equals("0")) {
            throw ApiException.badRequest("specifying resource version is not allowed when using continue");
        }
    }

    private static ApiException invalidOptions(String field, String value, String detail) {
        return ApiException.invalid("ListOptions", "meta.k8s.io", "", java.util.List.of(new ApiException.Cause(
                "FieldValueForbidden", "Forbidden: " + detail, field)));
    }

    private static long number(ResourceRequest request, String name) {
        String v = request.param(name);
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid value for " + name + ": " + v + " (a non-negative integer)");
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    public long resourceVersionNumber() {
        return resourceVersion.isEmpty() ? 0 : Long.parseLong(resourceVersion);
    }
}
