package io.karst.tunnel.server;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.node.ContainerRuntimeException;
import io.karst.api.node.KubeletHttp;
import io.karst.api.node.KubeletHttpResponse;
import io.karst.tunnel.mux.Multiplexer;
import io.karst.tunnel.mux.TunnelError;
import io.karst.tunnel.mux.TunnelStream;

/** An agent's kubelet HTTP API through its tunnel: one stream per request, the answer as JSON. */
final class TunneledKubeletHttp implements KubeletHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Multiplexer mux;

    TunneledKubeletHttp(Multiplexer mux) {
        this.mux = mux;
    }

    @Override
    public KubeletHttpResponse serve(String method, String path, String rawQuery) {
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("op", "http").put("method", method)
                .put("path", path);
        if (rawQuery != null) {
            request.put("query", rawQuery);
        }
        try (TunnelStream stream = mux.open(request)) {
            JsonNode answer = JSON.readTree(stream.input().readAllBytes());
            return new KubeletHttpResponse(answer.path("status").asInt(502), answer.path("contentType").asText(),
                    answer.path("body").binaryValue());
        } catch (TunnelError e) {
            throw new ContainerRuntimeException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("asking the agent's kubelet: " + e.getMessage(), e);
        }
    }
}
