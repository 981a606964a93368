package io.karst.client.remote;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceEvent;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceWatch;
import io.karst.api.client.Watcher;

/**
 * The client end of an HTTP watch: reads the response's newline-delimited {@code WatchEvent}s on its own thread
 * and hands them to the {@link Watcher} in order. The watcher gets {@code onClose(null)} when the server ends the
 * stream or the owner closes the watch, {@code onClose(cause)} after an ERROR event. A broken connection ends the
 * watch like the server's timeout does: the owner watches again from the last version it saw.
 */
final class RemoteWatch implements ResourceWatch, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteWatch.class);

    private final HttpResponse<InputStream> response;
    private final Watcher watcher;
    private final ObjectMapper json;
    private final Consumer<RemoteWatch> onEnd;
    private final AtomicBoolean closedByOwner = new AtomicBoolean();

    /** @param onEnd told once when the watch has ended, however it ended */
    RemoteWatch(HttpResponse<InputStream> response, Watcher watcher, ObjectMapper json, Consumer<RemoteWatch> onEnd) {
        this.response = response;
        this.watcher = watcher;
        this.json = json;
        this.onEnd = onEnd;
    }

    /** Reads and delivers until the stream ends; runs on the watch's own thread. */
    @Override
    public void run() {
        ResourceException failure = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            String line;
            while (failure == null && !closedByOwner.get() && (line = lines.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                ResourceEvent event = event(json.readTree(line));
                if (closedByOwner.get()) {
                    break;
                }
                if (event.type() == ResourceEvent.Type.ERROR) {
                    failure = ResourceException.fromStatus(event.object());
                }
                watcher.onEvent(event);
            }
        } catch (IOException | RuntimeException e) {
            if (!closedByOwner.get()) {
                LOG.debug("watch {} ended: {}", response.uri(), e.toString());
            }
        } finally {
            onEnd.accept(this);
            try {
                watcher.onClose(closedByOwner.get() ? null : failure);
            } catch (RuntimeException e) {
                LOG.warn("watcher of {} failed on close", response.uri(), e);
            }
        }
    }

    private static ResourceEvent event(JsonNode frame) throws IOException {
        JsonNode object = frame.get("object");
        if (!(object instanceof ObjectNode o) || !frame.hasNonNull("type")) {
            throw new IOException("not a watch event: " + frame);
        }
        return new ResourceEvent(ResourceEvent.Type.valueOf(frame.get("type").asText()), o);
    }

    /** Cancels the request: the reader stops, drops what is not delivered, and the watcher gets onClose(null). */
    @Override
    public void close() {
        if (closedByOwner.compareAndSet(false, true)) {
            try {
                response.body().close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public String toString() {
        return "watch " + response.uri();
    }
}
