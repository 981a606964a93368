package io.karst.apiserver.codec.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProtobufWatchFrameTest {

    @Test
    void frameIsALengthPrefixedWatchEventWhoseObjectIsAnEnvelopedObject() throws Exception {
        byte[] configMap = V1.ConfigMap.newBuilder().putData("k", "v").build().toByteArray();
        byte[] frame = ProtobufWatchFrame.encode("ADDED", UnknownEnvelope.of("v1", "ConfigMap", configMap));

        int length = ByteBuffer.wrap(frame, 0, 4).getInt();
        assertEquals(frame.length - 4, length);
        Meta.WatchEvent event = Meta.WatchEvent.parseFrom(Arrays.copyOfRange(frame, 4, frame.length));
        assertEquals("ADDED", event.getType());
        UnknownEnvelope object = UnknownEnvelope.decode(event.getObject().getRaw().toByteArray());
        assertEquals("ConfigMap", object.kind());
        assertEquals("v", V1.ConfigMap.parseFrom(object.raw()).getDataOrThrow("k"));
    }

    @Test
    void consecutiveFramesAreDelimitedByTheirOwnLengths() throws Exception {
        byte[] first = ProtobufWatchFrame.encode("ADDED", UnknownEnvelope.of("v1", "ConfigMap", new byte[0]));
        byte[] second = ProtobufWatchFrame.encode("DELETED", UnknownEnvelope.of("v1", "ConfigMap", new byte[200]));
        ByteBuffer stream = ByteBuffer.allocate(first.length + second.length).put(first).put(second).flip();

        String[] types = new String[2];
        for (int i = 0; i < 2; i++) {
            byte[] message = new byte[stream.getInt()];
            stream.get(message);
            types[i] = Meta.WatchEvent.parseFrom(message).getType();
        }
        assertEquals("ADDED", types[0]);
        assertEquals("DELETED", types[1]);
        assertEquals(0, stream.remaining());
    }
}
