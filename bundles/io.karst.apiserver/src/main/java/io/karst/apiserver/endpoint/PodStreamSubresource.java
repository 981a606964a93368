package io.karst.apiserver.endpoint;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.node.PodStreams;
import io.karst.api.node.StreamNotAvailableException;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;

/**
 * {@code pods/exec}, {@code pods/attach} and {@code pods/portforward} (GET and POST, upstream's connect verbs): the
 * options are read from the query ({@code PodExecOptions}, {@code PodAttachOptions}, {@code PodPortForwardOptions}),
 * the container resolved from the pod as for {@code pods/log}, and the pod's node's {@link PodStreams} asked for
 * the runtime's streaming URL; the HTTP layer then upgrades the client's connection and relays it there.
 *
 * <p>Upstream's answers: 404 for a missing pod, 400 for an unknown or unnamed container
 * ({@code container c is not valid for pod p}), for a pod without a node ({@code pod p does not have a host
 * assigned}), for an exec without a command or with no stream at all, and with the kubelet's message for a
 * container that is not running ({@code container not found ("c")}); 500 when no kubelet of the node is
 * connected.
 */
public final class PodStreamSubresource implements SubresourceHandler {
    /** The connect subresources of pods this handler serves. */
    public static final List<String> SUBRESOURCES = List.of("exec", "attach", "portforward");

    private final ObjectStore store;
    private final PodStreamServices services;
    private final String subresource;

    /** @param subresource {@code exec}, {@code attach} or {@code portforward} */
    public PodStreamSubresource(ObjectStore store, PodStreamServices services, String subresource) {
        if (!SUBRESOURCES.contains(subresource)) {
            throw new IllegalArgumentException("not a streaming subresource: " + subresource);
        }
        this.store = store;
        this.services = services;
        this.subresource = subresource;
    }

    /** {@code pods/<subresource>}, the handler's key. */
    public static String key(String subresource) {
        return SubresourceHandler.key("pods", "", subresource);
    }

    @Override
    public ApiResponse handle(ResourceRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("POST")) {
            throw ApiException.methodNotAllowed();
        }
        String name = request.name();
        boolean tty = bool(request, "tty");
        boolean stdin = bool(request, "stdin");
        boolean stdout = bool(request, "stdout");
        boolean stderr = bool(request, "stderr") && !tty; // as upstream: a terminal has no separate stderr
        List<String> command = request.query().getOrDefault("command", List.of());
        List<Integer> ports = ports(request);
        if (subresource.equals("exec") && command.isEmpty()) {
            throw ApiException.badRequest("you must specify at least one command for the container");
        }
        if (!subresource.equals("portforward") && !stdin && !stdout && !stderr) {
            throw ApiException.badRequest("you must specify at least 1 of stdin, stdout, stderr");
        }
        ObjectNode pod = store.get(request.type(), request.namespace(), name);
        String container = subresource.equals("portforward") ? null
                : PodLogSubresource.container(pod, request.param("container"));
        String node = pod.path("spec").path("nodeName").asText("");
        if (node.isEmpty()) {
            throw ApiException.badRequest("pod " + name + " does not have a host assigned");
        }
        PodStreams streams = services.forNode(node).orElseThrow(() -> new ApiException(500, "",
                "the kubelet of node \"" + node + "\" is not reachable: no stream service of that node is connected",
                null));
        String uid = pod.path("metadata").path("uid").asText();
        URI location;
        try {
            location = switch (subresource) {
                case "exec" -> streams.exec(request.namespace(), name, uid, container, command, tty, stdin, stdout,
                        stderr);
                case "attach" -> streams.attach(request.namespace(), name, uid, container, tty, stdin, stdout,
                        stderr);
                default -> streams.portForward(request.namespace(), name, uid, ports);
            };
        } catch (StreamNotAvailableException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return new ApiResponse.Connect(subresource, location, tty, stdin, stdout, stderr);
    }

    /** Query booleans as Go's strconv.ParseBool reads them (kubectl sends {@code true}). */
    private static boolean bool(ResourceRequest request, String param) {
        String value = request.param(param);
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "true", "1", "t", "T", "TRUE", "True" -> true;
            case "", "false", "0", "f", "F", "FALSE", "False" -> false;
            default -> throw ApiException.badRequest("strconv.ParseBool: parsing \"" + value
                    + "\": invalid syntax");
        };
    }

    /** {@code ports} (repeated or comma separated), each 1–65535, as upstream's PodPortForwardOptions. */
    private static List<Integer> ports(ResourceRequest request) {
        List<Integer> ports = new ArrayList<>();
        for (String value : request.query().getOrDefault("ports", List.of())) {
            for (String part : value.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int port;
                try {
                    port = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw ApiException.badRequest("invalid port \"" + p + "\"");
                }
                if (port < 1 || port > 65535) {
                    throw ApiException.badRequest("port " + port + " must be in the range 1-65535");
                }
                ports.add(port);
            }
        }
        return ports;
    }
}
