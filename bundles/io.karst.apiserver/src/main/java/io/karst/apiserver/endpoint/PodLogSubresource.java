package io.karst.apiserver.endpoint;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.node.LogOptions;
import io.karst.api.node.PodLogs;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;

/**
 * {@code GET pods/{name}/log} ({@code PodLogOptions}), as upstream's log REST: the options are checked, the
 * container resolved from the pod, and the pod's node's {@link PodLogs} found; the HTTP layer then streams its
 * text. Upstream's answers: 404 for a missing pod, 422 for invalid options, 400 for an unknown or unnamed
 * container, 204 No Content for a pod not yet bound to a node, and a 500 Status (upstream's answer when the
 * kubelet cannot be dialled) when no kubelet of the pod's node is reachable.
 */
public final class PodLogSubresource implements SubresourceHandler {
    /** The pod annotation naming the container {@code kubectl logs} and {@code exec} use by default. */
    static final String DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";

    private final ObjectStore store;
    private final PodLogServices services;
    private final Clock clock;

    public PodLogSubresource(ObjectStore store, PodLogServices services, Clock clock) {
        this.store = store;
        this.services = services;
        this.clock = clock;
    }

    /** {@code pods/log}, the handler's key. */
    public static String key() {
        return SubresourceHandler.key("pods", "", "log");
    }

    @Override
    public ApiResponse handle(ResourceRequest request) {
        if (!request.method().equals("GET")) {
            throw ApiException.methodNotAllowed();
        }
        String name = request.name();
        Options q = options(request, name);
        ObjectNode pod = store.get(request.type(), request.namespace(), name);
        String container = container(pod, request.param("container"));
        String node = pod.path("spec").path("nodeName").asText("");
        if (node.isEmpty()) {
            // upstream's LogLocation gives no location, answered 204 No Content
            return ApiResponse.Log.NONE;
        }
        PodLogs logs = services.forNode(node).orElseThrow(() -> new ApiException(500, "",
                "the kubelet of node \"" + node + "\" is not reachable: no log service of that node is connected",
                null));
        Instant since = q.sinceTime;
        if (q.sinceSeconds != null) {
            since = clock.instant().minusSeconds(q.sinceSeconds);
        }
        LogOptions options = new LogOptions(q.follow, q.previous, q.timestamps, q.tailLines, since, q.limitBytes);
        return new ApiResponse.Log(logs, request.namespace(), name, pod.path("metadata").path("uid").asText(),
                container, options);
    }

    private record Options(boolean follow, boolean previous, boolean timestamps, Long tailLines, Long sinceSeconds,
            Instant sinceTime, Long limitBytes) {
    }

    /** Reads PodLogOptions from the query: unreadable values are 400, invalid ones 422 as upstream's validation. */
    private static Options options(ResourceRequest request, String name) {
        Long tailLines = number(request, "tailLines");
        Long sinceSeconds = number(request, "sinceSeconds");
        Long limitBytes = number(request, "limitBytes");
        Instant sinceTime = null;
        String since = request.param("sinceTime");
        if (since != null && !since.isEmpty()) {
            try {
                sinceTime = OffsetDateTime.parse(since).toInstant();
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("parsing time \"" + since + "\" as \"2006-01-02T15:04:05Z07:00\": "
                        + "cannot parse \"" + since + "\"");
            }
        }
        List<ApiException.Cause> causes = new ArrayList<>();
        if (tailLines != null && tailLines < 0) {
            causes.add(invalid("tailLines", tailLines, "must be greater than or equal to 0"));
        }
        if (limitBytes != null && limitBytes < 1) {
            causes.add(invalid("limitBytes", limitBytes, "must be greater than 0"));
        }
        if (sinceSeconds != null && sinceTime != null) {
            causes.add(new ApiException.Cause("FieldValueForbidden",
                    "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified", ""));
        } else if (sinceSeconds != null && sinceSeconds < 1) {
            causes.add(invalid("sinceSeconds", sinceSeconds, "must be greater than 0"));
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid("PodLogOptions", "", name, causes);
        }
        return new Options(bool(request, "follow"), bool(request, "previous"), bool(request, "timestamps"),
                tailLines, sinceSeconds, sinceTime, limitBytes);
    }

    private static ApiException.Cause invalid(String field, long value, String why) {
        return new ApiException.Cause("FieldValueInvalid", "Invalid value: " + value + ": " + why, field);
    }

    private static Long number(ResourceRequest request, String param) {
        String value = request.param(param);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("strconv.ParseInt: parsing \"" + value + "\": invalid syntax");
        }
    }

    private static boolean bool(ResourceRequest request, String param) {
        String value = request.param(param);
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "", "true", "1", "t", "T", "TRUE", "True" -> true;
            case "false", "0", "f", "F", "FALSE", "False" -> false;
            default -> throw ApiException.badRequest("strconv.ParseBool: parsing \"" + value
                    + "\": invalid syntax");
        };
    }

    /**
     * The container asked for, which must be one of the pod's (init, regular or ephemeral); without one, the
     * {@value #DEFAULT_CONTAINER_ANNOTATION} annotation's (kubectl's choice, made here for every client) or the
     * only container.
     */
    static String container(ObjectNode pod, String requested) {
        String podName = pod.path("metadata").path("name").asText();
        List<String> all = new ArrayList<>();
        JsonNode spec = pod.path("spec");
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (JsonNode c : spec.path(list)) {
                all.add(c.path("name").asText());
            }
        }
        if (requested != null && !requested.isEmpty()) {
            if (!all.contains(requested)) {
                throw ApiException.badRequest("container " + requested + " is not valid for pod " + podName);
            }
            return requested;
        }
        String annotated = pod.path("metadata").path("annotations").path(DEFAULT_CONTAINER_ANNOTATION).asText("");
        if (!annotated.isEmpty() && all.contains(annotated)) {
            return annotated;
        }
        JsonNode containers = spec.path("containers");
        if (containers.size() == 1) {
            return containers.get(0).path("name").asText();
        }
        if (containers.isEmpty()) {
            throw ApiException.badRequest("a container name must be specified for pod " + podName);
        }
        throw ApiException.badRequest("a container name must be specified for pod " + podName + ", choose one of: "
                + "[" + String.join(" ", all) + "]");
    }
}
