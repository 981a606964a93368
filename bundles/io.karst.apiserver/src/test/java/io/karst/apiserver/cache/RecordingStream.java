package io.karst.apiserver.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.apiserver.endpoint.StreamWriter;
import io.karst.apiserver.endpoint.WatchFrame;
import io.karst.apiserver.endpoint.WatchSession;

/** A client end of a watch that records its frames. */
class RecordingStream implements StreamWriter {
    final List<WatchFrame> frames = new CopyOnWriteArrayList<>();
    volatile boolean ended;
    volatile WatchSession session;

    @Override
    public boolean write(WatchFrame frame) {
        frames.add(frame);
        return true;
    }

    @Override
    public void end() {
        ended = true;
    }

    @Override
    public void onClose(Runnable action) {
    }

    int size() {
        return frames.size();
    }

    /** "TYPE name" per frame, e.g. {@code ADDED a}. */
    List<String> summary() {
        List<String> out = new ArrayList<>();
        for (WatchFrame f : frames) {
            JsonNode meta = f.object().path("metadata");
            out.add(f.type() + " " + meta.path("name").asText());
        }
        return out;
    }

    /** The resourceVersion of every frame. */
    List<Long> revisions() {
        List<Long> out = new ArrayList<>();
        for (WatchFrame f : frames) {
            out.add(f.object().path("metadata").path("resourceVersion").asLong());
        }
        return out;
    }
}
