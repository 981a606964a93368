package io.karst.tunnel.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.node.LogOptions;
import io.karst.api.node.LogsNotFoundException;
import io.karst.api.node.PodLogs;
import io.karst.tunnel.mux.Multiplexer;
import io.karst.tunnel.mux.TunnelError;
import io.karst.tunnel.mux.TunnelStream;

/** An agent's container logs through its tunnel: the agent's kubelet writes them into a stream, copied here. */
final class TunneledPodLogs implements PodLogs {
    private final Multiplexer mux;

    TunneledPodLogs(Multiplexer mux) {
        this.mux = mux;
    }

    @Override
    public void write(String namespace, String pod, String podUid, String container, LogOptions options,
            OutputStream out) throws IOException {
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("op", "logs").put("namespace", namespace)
                .put("pod", pod).put("uid", podUid).put("container", container)
                .put("follow", options.follow()).put("previous", options.previous())
                .put("timestamps", options.timestamps());
        if (options.tailLines() != null) {
            request.put("tailLines", options.tailLines());
        }
        if (options.since() != null) {
            request.put("since", options.since().toString());
        }
        if (options.limitBytes() != null) {
            request.put("limitBytes", options.limitBytes());
        }
        try (TunnelStream stream = mux.open(request)) {
            InputStream in = stream.input();
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (TunnelError e) {
            if (e.reason().equals("LogsNotFound")) {
                throw new LogsNotFoundException(e.getMessage());
            }
            throw e;
        }
    }
}
