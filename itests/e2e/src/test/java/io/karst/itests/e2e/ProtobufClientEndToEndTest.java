package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.kubernetes.client.ProtoClient;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;

/**
 * Protobuf responses with real protobuf clients: the official Java client's ProtoClient (client-java 24, which
 * accepts only {@code application/vnd.kubernetes.protobuf}) gets, lists, creates and deletes ConfigMaps and Pods;
 * kubectl 1.33, whose typed requests accept protobuf before JSON, still creates, reads and prints.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtobufClientEndToEndTest {
    private static final Path KUBECTLS = Path.of(System.getProperty("karst.kubectl.dir",
            "/usr/lib/google-cloud-sdk/bin"));

    @TempDir
    static Path tmp;

    private KarstServer server;
    private ProtoClient proto;

    @BeforeAll
    void startServer() throws Exception {
        server = new KarstServer(tmp.resolve("data"), List.of()).start();
        server.awaitReady(Duration.ofSeconds(90));
        ApiClient client;
        try (FileReader reader = new FileReader(server.kubeconfig.toFile())) {
            client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(reader)).build();
        }
        client.setHttpClient(client.getHttpClient().newBuilder().readTimeout(Duration.ofSeconds(60)).build());
        proto = new ProtoClient(client);
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void theProtoClientCreatesGetsListsAndDeletesConfigMaps() throws Exception {
        ProtoClient.ObjectOrStatus<V1.Namespace> ns = proto.create(V1.Namespace.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().setName("proto")).build(), "/api/v1/namespaces", "v1",
                "Namespace");
        assertNull(ns.status, () -> String.valueOf(ns.status));
        assertEquals("proto", ns.object.getMetadata().getName());

        ProtoClient.ObjectOrStatus<V1.ConfigMap> created = proto.create(V1.ConfigMap.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().setName("settings").putLabels("made", "by-proto"))
                .putData("mode", "fast").build(), "/api/v1/namespaces/proto/configmaps", "v1", "ConfigMap");
        assertNull(created.status, () -> String.valueOf(created.status));
        assertTrue(!created.object.getMetadata().getUid().isEmpty());
        assertTrue(created.object.getMetadata().getCreationTimestamp().getSeconds() > 0);

        ProtoClient.ObjectOrStatus<V1.ConfigMap> read = proto.get(V1.ConfigMap.newBuilder(),
                "/api/v1/namespaces/proto/configmaps/settings");
        assertNull(read.status);
        assertEquals("fast", read.object.getDataOrThrow("mode"));
        assertEquals(created.object.getMetadata().getResourceVersion(), read.object.getMetadata().getResourceVersion());

        ProtoClient.ObjectOrStatus<V1.ConfigMapList> list = proto.list(V1.ConfigMapList.newBuilder(),
                "/api/v1/namespaces/proto/configmaps?labelSelector=made%3Dby-proto");
        assertNull(list.status);
        assertEquals(List.of("settings"), list.object.getItemsList().stream().map(c -> c.getMetadata().getName())
                .toList());

        ProtoClient.ObjectOrStatus<V1.ConfigMap> deleted = proto.delete(V1.ConfigMap.newBuilder(),
                "/api/v1/namespaces/proto/configmaps/settings");
        assertTrue(deleted.status == null || "Success".equals(deleted.status.getStatus()),
                () -> String.valueOf(deleted.status));
        ProtoClient.ObjectOrStatus<V1.ConfigMap> gone = proto.get(V1.ConfigMap.newBuilder(),
                "/api/v1/namespaces/proto/configmaps/settings");
        assertNotNull(gone.status, "a missing ConfigMap is a Status");
        assertEquals(404, gone.status.getCode());
        assertEquals("NotFound", gone.status.getReason());
    }

    @Test
    void theProtoClientCreatesGetsListsAndDeletesPods() throws Exception {
        proto.create(V1.Namespace.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("proto-pods"))
                .build(), "/api/v1/namespaces", "v1", "Namespace");
        V1.Pod pod = V1.Pod.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("web"))
                .setSpec(V1.PodSpec.newBuilder().addContainers(V1.Container.newBuilder().setName("c")
                        .setImage("nginx").addPorts(V1.ContainerPort.newBuilder().setContainerPort(80))))
                .build();
        ProtoClient.ObjectOrStatus<V1.Pod> created = proto.create(pod, "/api/v1/namespaces/proto-pods/pods", "v1",
                "Pod");
        assertNull(created.status, () -> String.valueOf(created.status));
        assertEquals("Pending", created.object.getStatus().getPhase());
        assertEquals("default", created.object.getSpec().getServiceAccountName(), "defaults come back in protobuf");

        ProtoClient.ObjectOrStatus<V1.Pod> read = proto.get(V1.Pod.newBuilder(),
                "/api/v1/namespaces/proto-pods/pods/web");
        assertNull(read.status);
        assertEquals(80, read.object.getSpec().getContainers(0).getPorts(0).getContainerPort());

        ProtoClient.ObjectOrStatus<V1.PodList> list = proto.list(V1.PodList.newBuilder(),
                "/api/v1/namespaces/proto-pods/pods");
        assertEquals(List.of("web"), list.object.getItemsList().stream().map(p -> p.getMetadata().getName()).toList());

        ProtoClient.ObjectOrStatus<V1.Pod> deleted = proto.delete(V1.Pod.newBuilder(),
                "/api/v1/namespaces/proto-pods/pods/web", Meta.DeleteOptions.newBuilder()
                        .setGracePeriodSeconds(0).build());
        assertTrue(deleted.status == null || "Success".equals(deleted.status.getStatus()),
                () -> String.valueOf(deleted.status));
        assertEquals(404, proto.get(V1.Pod.newBuilder(), "/api/v1/namespaces/proto-pods/pods/web").status.getCode());
    }

    @Test
    void kubectl133StillCreatesReadsAndPrints() throws Exception {
        ok(null, "create", "namespace", "kctl");
        Commands.Result create = ok(null, "-v=8", "-n", "kctl", "create", "configmap", "plain", "--from-literal=k=v");
        // client-go logs the response body as a hex dump: protobuf starts with the k8s\0 magic
        assertTrue(java.util.regex.Pattern.compile("\"Response Body\" body=<\\s*00000000  6b 38 73 00")
                .matcher(create.stderr()).find(), "kubectl's create was answered in protobuf:\n" + create.stderr());
        ok(null, "-n", "kctl", "create", "secret", "generic", "bin", "--from-literal=token=s3cr3t");
        ok(null, "-n", "kctl", "create", "deployment", "web", "--image=nginx", "--replicas=2");
        assertTrue(ok(null, "-n", "kctl", "get", "cm", "plain", "-o", "yaml").stdout().contains("k: v"));
        assertEquals("s3cr3t", new String(java.util.Base64.getDecoder().decode(ok(null, "-n", "kctl", "get", "secret",
                "bin", "-o", "jsonpath={.data.token}").stdout().trim())));
        assertTrue(ok(null, "-n", "kctl", "get", "cm").stdout().contains("plain"));
        assertEquals("2", ok(null, "-n", "kctl", "get", "deploy", "web", "-o", "jsonpath={.spec.replicas}")
                .stdout().trim());
        assertEquals("25%", ok(null, "-n", "kctl", "get", "deploy", "web", "-o",
                "jsonpath={.spec.strategy.rollingUpdate.maxSurge}").stdout().trim());
        assertEquals("yes", ok(null, "auth", "can-i", "create", "pods").stdout().trim());
        assertTrue(ok(null, "get", "leases", "-n", "kube-node-lease").exit() == 0);
        ok(null, "-n", "kctl", "delete", "cm", "plain");
        Commands.Result gone = kubectl(null, "-n", "kctl", "get", "cm", "plain");
        assertTrue(gone.stderr().contains("NotFound") || gone.stderr().contains("not found"), gone.toString());
    }

    private Commands.Result kubectl(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KUBECTLS.resolve("kubectl.1.33").toString(),
                "--kubeconfig", server.kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of("HOME", tmp.toString()), Duration.ofSeconds(60), stdin);
    }

    private Commands.Result ok(String stdin, String... args) throws Exception {
        Commands.Result r = kubectl(stdin, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r);
        return r;
    }
}
