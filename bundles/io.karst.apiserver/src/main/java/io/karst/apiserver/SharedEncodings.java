package io.karst.apiserver;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.codec.protobuf.ProtobufObjects;
import io.karst.apiserver.codec.protobuf.ProtobufWatchFrame;
import io.karst.apiserver.endpoint.WatchFrame;

/**
 * Encodes a watch event once for all the watchers it fans out to, as upstream's cachingObject does: the watch
 * cache hands every watcher the same (never modified) object, so a few slots keyed by identity catch nearly every
 * repeat while the dispatcher walks the watchers of one event.
 */
final class SharedEncodings {
    private static final int SLOTS = 16;
    private static final Entry[] RECENT = new Entry[SLOTS];
    private static final Entry[] RECENT_PROTOBUF = new Entry[SLOTS];

    private record Entry(ObjectNode object, String type, byte[] bytes) {
    }

    private SharedEncodings() {
    }

    /** The length-prefixed protobuf frame of an event, shared as the JSON line is. */
    static byte[] encodeProtobuf(WatchFrame frame) {
        ObjectNode object = frame.object();
        int slot = (System.identityHashCode(object) & 0x7fffffff) % SLOTS;
        Entry seen = RECENT_PROTOBUF[slot];
        if (seen != null && seen.object() == object && seen.type().equals(frame.type())) {
            return seen.bytes();
        }
        byte[] bytes = protobufFrame(frame.type(), object);
        RECENT_PROTOBUF[slot] = new Entry(object, frame.type(), bytes);
        return bytes;
    }

    /** A WatchEvent frame whose object is enveloped protobuf. */
    static byte[] protobufFrame(String type, ObjectNode object) {
        ProtobufObjects.Encoded encoded = ProtobufObjects.encode(object).orElseThrow(() -> new IllegalStateException(
                "no protobuf message for " + object.path("apiVersion").asText() + " " + object.path("kind").asText()));
        return ProtobufWatchFrame.encode(type, encoded.bytes());
    }

    /**
     * The JSON line of an event, newline included, shared by every watcher it goes to: the watchers' chunks wrap
     * the one array instead of each copying it (a copy per watcher was 1.5 MB of garbage per event of a 1 KiB
     * object with 1,000 watchers).
     */
    static byte[] encodeLine(WatchFrame frame, ObjectCodec codec) {
        ObjectNode object = frame.object();
        int slot = (System.identityHashCode(object) & 0x7fffffff) % SLOTS;
        Entry seen = RECENT[slot];
        if (seen != null && seen.object() == object && seen.type().equals(frame.type())) {
            return seen.bytes();
        }
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("type", frame.type());
        event.set("object", object);
        byte[] line = withNewline(codec.encodeJson(event));
        // a plain array slot: a lost write only costs one more encoding
        RECENT[slot] = new Entry(object, frame.type(), line);
        return line;
    }

    static byte[] withNewline(byte[] json) {
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }
}
