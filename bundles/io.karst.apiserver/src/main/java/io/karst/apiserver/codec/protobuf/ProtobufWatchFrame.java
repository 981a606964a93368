package io.karst.apiserver.codec.protobuf;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * One event of a protobuf watch stream ({@code application/vnd.kubernetes.protobuf;stream=watch}). Upstream frames
 * each metav1.WatchEvent (type = 1, object = 2 as runtime.RawExtension with raw = 1) with a 4-byte big-endian length;
 * the event itself is written by the raw serializer, without the {@code k8s\0} envelope, while the object inside it
 * is a complete enveloped object.
 */
public final class ProtobufWatchFrame {

    private static final int TYPE = 1;
    private static final int OBJECT = 2;
    private static final int RAW = 1;

    private ProtobufWatchFrame() {
    }

    /** The length-prefixed frame for an event of this type (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR). */
    public static byte[] encode(String type, UnknownEnvelope object) {
        return encode(type, object.encode());
    }

    /** The frame for an object already enveloped ({@code k8s\0} + runtime.Unknown). */
    public static byte[] encode(String type, byte[] envelopedObject) {
        try {
            ByteArrayOutputStream rawExtension = new ByteArrayOutputStream();
            CodedOutputStream extension = CodedOutputStream.newInstance(rawExtension);
            extension.writeByteArray(RAW, envelopedObject);
            extension.flush();

            ByteArrayOutputStream event = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(event);
            out.writeString(TYPE, type);
            out.writeByteArray(OBJECT, rawExtension.toByteArray());
            out.flush();

            byte[] message = event.toByteArray();
            return ByteBuffer.allocate(Integer.BYTES + message.length).putInt(message.length).put(message).array();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }
}
