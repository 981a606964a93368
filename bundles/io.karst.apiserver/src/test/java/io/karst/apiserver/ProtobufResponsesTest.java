package io.karst.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;
import io.karst.apiserver.codec.protobuf.UnknownEnvelope;
import io.karst.pki.PemFiles;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;

/**
 * Protobuf responses over HTTPS as client-go and the Java ProtoClient ask for them: objects, lists, Status errors
 * and watch frames in {@code application/vnd.kubernetes.protobuf}, JSON for kinds without a message when the
 * Accept header allows it, 406 when it does not.
 */
class ProtobufResponsesTest {
    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
    private static final String CLIENT_GO = "application/vnd.kubernetes.protobuf,application/json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static HttpsApi api;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        api = new HttpsApi(dir);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", PemFiles.readCertificate(api.caFile()));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("admin", PemFiles.readPrivateKey(api.keyFile()), new char[0],
                new Certificate[] {PemFiles.readCertificate(api.certFile())});
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        for (String name : List.of("alpha", "beta")) {
            api.local().resource(new ResourceKey("", "v1", "configmaps")).inNamespace("default").create(
                    (ObjectNode) JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                            + name + "\"},\"data\":{\"k\":\"" + name + "\"}}"));
        }
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static HttpResponse<byte[]> get(String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.url() + path)).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aGetAskingForProtobufIsTheEnvelopedConfigMapMessage() throws Exception {
        HttpResponse<byte[]> response = get("/api/v1/namespaces/default/configmaps/alpha", CLIENT_GO);

        assertEquals(200, response.statusCode());
        assertEquals(PROTOBUF, response.headers().firstValue("Content-Type").orElseThrow());
        UnknownEnvelope envelope = UnknownEnvelope.decode(response.body());
        assertEquals("v1", envelope.apiVersion());
        assertEquals("ConfigMap", envelope.kind());
        V1.ConfigMap configMap = V1.ConfigMap.parseFrom(envelope.raw());
        assertEquals("alpha", configMap.getMetadata().getName());
        assertEquals("alpha", configMap.getDataOrThrow("k"));
        assertTrue(configMap.getMetadata().getCreationTimestamp().getSeconds() > 0);
    }

    @Test
    void aListIsTheXxxListMessageWithItsItemsAndListMeta() throws Exception {
        HttpResponse<byte[]> response = get("/api/v1/namespaces/default/configmaps", PROTOBUF);

        assertEquals(200, response.statusCode());
        UnknownEnvelope envelope = UnknownEnvelope.decode(response.body());
        assertEquals("ConfigMapList", envelope.kind());
        V1.ConfigMapList list = V1.ConfigMapList.parseFrom(envelope.raw());
        List<String> names = list.getItemsList().stream().map(c -> c.getMetadata().getName()).toList();
        assertTrue(names.containsAll(List.of("alpha", "beta")), names.toString());
        assertTrue(!list.getMetadata().getResourceVersion().isEmpty());
    }

    @Test
    void aMissingObjectIsAProtobufStatus404() throws Exception {
        HttpResponse<byte[]> response = get("/api/v1/namespaces/default/configmaps/nope", CLIENT_GO);

        assertEquals(404, response.statusCode());
        assertEquals(PROTOBUF, response.headers().firstValue("Content-Type").orElseThrow());
        UnknownEnvelope envelope = UnknownEnvelope.decode(response.body());
        assertEquals("Status", envelope.kind());
        Meta.Status status = Meta.Status.parseFrom(envelope.raw());
        assertEquals("NotFound", status.getReason());
        assertEquals(404, status.getCode());
        assertEquals("configmaps \"nope\" not found", status.getMessage());
    }

    @Test
    void aKindWithoutAMessageIsJsonWhenTheClientAlsoTakesJson() throws Exception {
        HttpResponse<byte[]> response = get("/apis/coordination.k8s.io/v1/namespaces/default/leases", CLIENT_GO);

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("LeaseList", JSON.readTree(response.body()).path("kind").asText());
    }

    @Test
    void aKindWithoutAMessageIs406ForAProtobufOnlyClient() throws Exception {
        HttpResponse<byte[]> response = get("/apis/coordination.k8s.io/v1/namespaces/default/leases", PROTOBUF);

        assertEquals(406, response.statusCode());
        Meta.Status status = Meta.Status.parseFrom(UnknownEnvelope.decode(response.body()).raw());
        assertEquals("NotAcceptable", status.getReason());
        assertEquals("object *v1.LeaseList does not implement the protobuf marshalling interface and cannot be "
                + "encoded to a protobuf message", status.getMessage());
    }

    @Test
    void theScaleSubresourceIsTheAutoscalingV1ScaleMessage() throws Exception {
        api.local().resource(new ResourceKey("apps", "v1", "deployments")).inNamespace("default").create((ObjectNode)
                JSON.readTree("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},"
                        + "\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
                        + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
                        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}"));

        HttpResponse<byte[]> response = get("/apis/apps/v1/namespaces/default/deployments/web/scale", CLIENT_GO);

        assertEquals(PROTOBUF, response.headers().firstValue("Content-Type").orElseThrow());
        UnknownEnvelope envelope = UnknownEnvelope.decode(response.body());
        assertEquals("autoscaling/v1", envelope.apiVersion());
        assertEquals("Scale", envelope.kind());
        assertEquals(3, io.kubernetes.client.proto.V1Autoscaling.Scale.parseFrom(envelope.raw()).getSpec()
                .getReplicas());
    }

    @Test
    void aWildcardOrAPreferredJsonIsStillJson() throws Exception {
        assertEquals("application/json", get("/api/v1/namespaces/default/configmaps/alpha", "*/*").headers()
                .firstValue("Content-Type").orElseThrow());
        assertEquals("application/json", get("/api/v1/namespaces/default/configmaps/alpha",
                PROTOBUF + ";q=0.5,application/json").headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void anObjectWithFieldsTheProtosLackIsJsonForClientGoAndProtobufWithAWarningOtherwise() throws Exception {
        // spec.resources (pod-level resources, 1.32) is in the 1.33 schema but not in client-java-proto 24's PodSpec
        api.local().resource(new ResourceKey("", "v1", "pods")).inNamespace("default").create((ObjectNode) JSON
                .readTree("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"sized\"},"
                        + "\"spec\":{\"resources\":{\"limits\":{\"cpu\":\"1\"}},"
                        + "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}"));

        HttpResponse<byte[]> clientGo = get("/api/v1/namespaces/default/pods/sized", CLIENT_GO);
        assertEquals("application/json", clientGo.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("1", JSON.readTree(clientGo.body()).path("spec").path("resources").path("limits").path("cpu")
                .asText());

        HttpResponse<byte[]> protobufOnly = get("/api/v1/namespaces/default/pods/sized", PROTOBUF);
        assertEquals(PROTOBUF, protobufOnly.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("sized", V1.Pod.parseFrom(UnknownEnvelope.decode(protobufOnly.body()).raw()).getMetadata()
                .getName());
        assertTrue(protobufOnly.headers().firstValue("Warning").orElseThrow().contains("spec.resources"),
                protobufOnly.headers().map().toString());
    }

    @Test
    void anAcceptHeaderWithNothingServedIs406WithTheServedTypes() throws Exception {
        HttpResponse<byte[]> response = get("/api/v1/namespaces/default/configmaps", "application/xml");

        assertEquals(406, response.statusCode());
        assertEquals("only the following media types are accepted: application/json, application/yaml, "
                + PROTOBUF, JSON.readTree(response.body()).path("message").asText());
    }

    @Test
    void aProtobufWatchSendsLengthPrefixedEventsAndTheInitialEventsBookmark() throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(api.url()
                + "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true"
                + "&resourceVersionMatch=NotOlderThan&timeoutSeconds=5"))
                .header("Accept", PROTOBUF + ";stream=watch," + CLIENT_GO).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(PROTOBUF + ";stream=watch", response.headers().firstValue("Content-Type").orElseThrow());
        List<Meta.WatchEvent> events = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(response.body())) {
            while (events.isEmpty() || !events.get(events.size() - 1).getType().equals("BOOKMARK")) {
                byte[] frame = new byte[in.readInt()];
                in.readFully(frame);
                events.add(Meta.WatchEvent.parseFrom(frame));
            }
        }
        List<String> added = new ArrayList<>();
        for (Meta.WatchEvent event : events.subList(0, events.size() - 1)) {
            assertEquals("ADDED", event.getType());
            UnknownEnvelope object = UnknownEnvelope.decode(event.getObject().getRaw().toByteArray());
            added.add(V1.ConfigMap.parseFrom(object.raw()).getMetadata().getName());
        }
        assertTrue(added.containsAll(List.of("alpha", "beta")), added.toString());
        UnknownEnvelope bookmark = UnknownEnvelope.decode(events.get(events.size() - 1).getObject().getRaw()
                .toByteArray());
        assertEquals("ConfigMap", bookmark.kind());
        assertEquals("true", V1.ConfigMap.parseFrom(bookmark.raw()).getMetadata()
                .getAnnotationsOrThrow("k8s.io/initial-events-end"));
    }

    @Test
    void aWatchFromACompactedVersionEndsWithAProtobufErrorEvent() throws Exception {
        String old = JSON.readTree(get("/api/v1/namespaces/default/configmaps", "application/json").body())
                .path("metadata").path("resourceVersion").asText();
        api.local().resource(new ResourceKey("", "v1", "configmaps")).inNamespace("default").create(
                (ObjectNode) JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
                        + "\"gamma\"}}"));
        api.compact();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(api.url()
                + "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&timeoutSeconds=5"))
                .header("Accept", PROTOBUF).GET().build(), HttpResponse.BodyHandlers.ofInputStream());

        byte[] frame;
        try (DataInputStream in = new DataInputStream(response.body())) {
            frame = new byte[in.readInt()];
            in.readFully(frame);
        }
        Meta.WatchEvent event = Meta.WatchEvent.parseFrom(frame);
        assertEquals("ERROR", event.getType(), "watch from " + old);
        Meta.Status status = Meta.Status.parseFrom(UnknownEnvelope.decode(event.getObject().getRaw().toByteArray())
                .raw());
        assertEquals(410, status.getCode());
        assertEquals("Expired", status.getReason());
        assertTrue(new String(frame, StandardCharsets.ISO_8859_1).contains("Status"));
    }
}
