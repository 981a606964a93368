package io.karst.apiserver.codec.protobuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UnknownEnvelopeTest {

    private static byte[] configMap() {
        return V1.ConfigMap.newBuilder()
                .setMetadata(io.kubernetes.client.proto.Meta.ObjectMeta.newBuilder().setName("settings"))
                .putData("mode", "fast")
                .build()
                .toByteArray();
    }

    @Test
    void encodedEnvelopeStartsWithTheMagicAndParsesAsTheGeneratedUnknownMessage() throws Exception {
        byte[] wire = UnknownEnvelope.of("v1", "ConfigMap", configMap()).encode();

        assertArrayEquals(new byte[] {'k', '8', 's', 0}, Arrays.copyOf(wire, 4));
        Runtime.Unknown unknown = Runtime.Unknown.parseFrom(Arrays.copyOfRange(wire, 4, wire.length));
        assertEquals("v1", unknown.getTypeMeta().getApiVersion());
        assertEquals("ConfigMap", unknown.getTypeMeta().getKind());
        assertEquals("fast", V1.ConfigMap.parseFrom(unknown.getRaw()).getDataOrThrow("mode"));
        // upstream's marshaller writes the empty strings too: a client sees fields 3 and 4 present
        assertEquals(true, unknown.hasContentEncoding());
        assertEquals(true, unknown.hasContentType());
    }

    @Test
    void decodesAnEnvelopeWrittenWithTheGeneratedMessage() {
        Runtime.Unknown unknown = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion("apps/v1").setKind("Deployment"))
                .setRaw(ByteString.copyFrom(new byte[] {1, 2, 3}))
                .setContentType("application/vnd.kubernetes.protobuf")
                .build();
        byte[] body = concat(UnknownEnvelope.MAGIC, unknown.toByteArray());

        assertEquals(new UnknownEnvelope("apps/v1", "Deployment", new byte[] {1, 2, 3}, "",
                "application/vnd.kubernetes.protobuf"), UnknownEnvelope.decode(body));
    }

    @Test
    void roundTripKeepsEveryField() {
        UnknownEnvelope envelope = new UnknownEnvelope("batch/v1", "Job", configMap(), "gzip", "application/json");
        assertEquals(envelope, UnknownEnvelope.decode(envelope.encode()));
    }

    @Test
    void bodyWithoutTheMagicPrefixIsMalformed() {
        byte[] withoutMagic = Runtime.Unknown.newBuilder().setRaw(ByteString.copyFromUtf8("x")).build().toByteArray();
        assertThrows(MalformedProtobufException.class, () -> UnknownEnvelope.decode(withoutMagic));
        assertThrows(MalformedProtobufException.class, () -> UnknownEnvelope.decode(new byte[] {'k', '8'}));
    }

    @Test
    void truncatedMessageAfterTheMagicIsMalformed() {
        byte[] wire = UnknownEnvelope.of("v1", "Secret", new byte[] {9, 9, 9, 9}).encode();
        byte[] truncated = Arrays.copyOf(wire, wire.length - 8);
        assertThrows(MalformedProtobufException.class, () -> UnknownEnvelope.decode(truncated));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
