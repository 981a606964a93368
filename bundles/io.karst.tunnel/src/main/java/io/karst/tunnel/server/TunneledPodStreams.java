package io.karst.tunnel.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.node.ContainerRuntimeException;
import io.karst.api.node.PodStreams;
import io.karst.api.node.StreamNotAvailableException;
import io.karst.tunnel.mux.Multiplexer;
import io.karst.tunnel.mux.TunnelError;
import io.karst.tunnel.mux.TunnelStream;

/**
 * An agent's exec, attach and port forwarding through its tunnel: the agent's kubelet answers with its runtime's
 * streaming URL, which is only reachable on the agent; the caller gets instead the URL of a loopback relay on
 * this server that carries the session through the tunnel to it.
 */
final class TunneledPodStreams implements PodStreams {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Multiplexer mux;
    private final LoopbackRelays relays;

    TunneledPodStreams(Multiplexer mux, LoopbackRelays relays) {
        this.mux = mux;
        this.relays = relays;
    }

    @Override
    public URI exec(String namespace, String pod, String podUid, String container, List<String> command,
            boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        ObjectNode request = request("exec", namespace, pod, podUid).put("container", container);
        command.forEach(request.putArray("command")::add);
        return relayed(flags(request, tty, stdin, stdout, stderr));
    }

    @Override
    public URI attach(String namespace, String pod, String podUid, String container, boolean tty, boolean stdin,
            boolean stdout, boolean stderr) {
        ObjectNode request = request("attach", namespace, pod, podUid).put("container", container);
        return relayed(flags(request, tty, stdin, stdout, stderr));
    }

    @Override
    public URI portForward(String namespace, String pod, String podUid, List<Integer> ports) {
        ObjectNode request = request("portforward", namespace, pod, podUid);
        ports.forEach(request.putArray("ports")::add);
        return relayed(request);
    }

    private static ObjectNode request(String op, String namespace, String pod, String podUid) {
        return JsonNodeFactory.instance.objectNode().put("op", op).put("namespace", namespace).put("pod", pod)
                .put("uid", podUid);
    }

    private static ObjectNode flags(ObjectNode request, boolean tty, boolean stdin, boolean stdout,
            boolean stderr) {
        return request.put("tty", tty).put("stdin", stdin).put("stdout", stdout).put("stderr", stderr);
    }

    private URI relayed(ObjectNode request) {
        URI onAgent;
        try (TunnelStream stream = mux.open(request)) {
            onAgent = URI.create(JSON.readTree(stream.input().readAllBytes()).path("uri").asText());
        } catch (TunnelError e) {
            switch (e.reason()) {
                case "StreamNotAvailable" -> throw new StreamNotAvailableException(e.getMessage());
                default -> throw new ContainerRuntimeException(e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("asking the agent for a streaming URL: " + e.getMessage(), e);
        }
        try {
            return relays.relay(onAgent, mux);
        } catch (IOException e) {
            throw new UncheckedIOException("opening a relay to the agent: " + e.getMessage(), e);
        }
    }
}
