package io.karst.apiserver.codec.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;

import io.karst.apiserver.endpoint.ApiFixture;
import io.karst.apiserver.endpoint.ApiResponse;
import io.karst.apiserver.status.ApiException;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;

/** Protobuf request bodies as kubectl ≥1.32 sends them, built with the generated messages. */
class ProtobufBodiesTest {
    static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
    static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

    @TempDir
    Path dir;
    ApiFixture api;

    @BeforeEach
    void start() {
        api = new ApiFixture(dir);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    static byte[] enveloped(String apiVersion, String kind, byte[] raw) {
        return UnknownEnvelope.of(apiVersion, kind, raw).encode();
    }

    static V1.ConfigMap.Builder configMap(String name) {
        return V1.ConfigMap.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName(name))
                .putData("greeting", "hello").putBinaryData("raw", ByteString.copyFrom(new byte[] {0, (byte) 0xff}));
    }

    @Test
    void aProtobufConfigMapIsStoredAsItsJson() {
        ApiResponse.Body created = (ApiResponse.Body) api.requestBytes("POST", CONFIGMAPS,
                enveloped("v1", "ConfigMap", configMap("from-proto").build().toByteArray()), PROTOBUF);
        assertEquals(201, created.code());
        JsonNode stored = api.object("GET", CONFIGMAPS + "/from-proto", null);
        assertEquals("hello", stored.path("data").path("greeting").asText());
        assertEquals("AP8=", stored.path("binaryData").path("raw").asText());
        assertEquals("ConfigMap", stored.path("kind").asText());
        assertTrue(stored.path("metadata").has("uid"));
    }

    @Test
    void malformedBytesAreABadRequestAndAFieldOurProtosLackIsRefused() {
        ApiException garbage = assertThrows(ApiException.class, () -> api.requestBytes("POST", CONFIGMAPS,
                new byte[] {1, 2, 3}, PROTOBUF));
        assertEquals(400, garbage.code());
        byte[] withNewerField = configMap("newer").setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()).build().toByteArray();
        ApiException unknown = assertThrows(ApiException.class, () -> api.requestBytes("POST", CONFIGMAPS,
                enveloped("v1", "ConfigMap", withNewerField), PROTOBUF));
        assertEquals(400, unknown.code());
        assertTrue(unknown.getMessage().contains("send it as JSON"), unknown.getMessage());
    }

    @Test
    void aKindWithoutAProtobufMessageIsUnsupportedMediaType() {
        ApiException e = assertThrows(ApiException.class, () -> api.requestBytes("POST",
                "/apis/coordination.k8s.io/v1/namespaces/default/leases",
                enveloped("coordination.k8s.io/v1", "Lease", new byte[0]), PROTOBUF));
        assertEquals(415, e.code());
    }
}
