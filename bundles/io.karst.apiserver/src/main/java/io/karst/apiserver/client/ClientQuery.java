package io.karst.apiserver.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.karst.api.client.ListOptions;
import io.karst.api.client.WriteOptions;

/** The query parameters an HTTP client would send for the client's options, so the verbs parse them as for HTTP. */
final class ClientQuery {
    private final Map<String, List<String>> params = new LinkedHashMap<>();

    static ClientQuery of(ListOptions options) {
        ClientQuery q = new ClientQuery();
        q.put("labelSelector", options.labelSelector());
        q.put("fieldSelector", options.fieldSelector());
        q.put("resourceVersion", options.resourceVersion());
        q.put("resourceVersionMatch", options.resourceVersionMatch());
        q.put("continue", options.continueToken());
        if (options.limit() > 0) {
            q.put("limit", Long.toString(options.limit()));
        }
        return q;
    }

    static ClientQuery forWatch(ListOptions options) {
        ClientQuery q = of(options);
        q.put("watch", "true");
        if (options.allowWatchBookmarks()) {
            q.put("allowWatchBookmarks", "true");
        }
        if (options.timeoutSeconds() > 0) {
            q.put("timeoutSeconds", Long.toString(options.timeoutSeconds()));
        }
        if (options.sendInitialEvents() != null) {
            q.put("sendInitialEvents", options.sendInitialEvents().toString());
        }
        return q;
    }

    static ClientQuery of(WriteOptions options) {
        ClientQuery q = new ClientQuery();
        q.dryRun(options.dryRun());
        q.put("fieldManager", options.fieldManager());
        q.put("fieldValidation", options.fieldValidation());
        return q;
    }

    ClientQuery dryRun(boolean dryRun) {
        if (dryRun) {
            put("dryRun", "All");
        }
        return this;
    }

    private void put(String name, String value) {
        if (value != null && !value.isEmpty()) {
            params.put(name, List.of(value));
        }
    }

    Map<String, List<String>> params() {
        return Map.copyOf(params);
    }
}
