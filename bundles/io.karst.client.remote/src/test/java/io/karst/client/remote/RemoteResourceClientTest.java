package io.karst.client.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ApiResource;
import io.karst.api.client.DeleteOptions;
import io.karst.api.client.Informer;
import io.karst.api.client.ListOptions;
import io.karst.api.client.ObjectList;
import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceEvent;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.client.ResourceWatch;
import io.karst.api.client.Watcher;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.HttpsApi;
import io.karst.client.informers.InformerSettings;

/** The remote client against the real API server over HTTPS with the admin's client certificate. */
class RemoteResourceClientTest {
    static final ResourceKey CONFIGMAPS = new ResourceKey("", "v1", "configmaps");
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final ResourceKey NAMESPACES = new ResourceKey("", "v1", "namespaces");
    static final ResourceKey ENDPOINTS = new ResourceKey("", "v1", "endpoints");
    static final ObjectMapper JSON = new ObjectMapper();
    /** Short backoff and watch timeouts, so that recovery shows within a test. */
    static final InformerSettings FAST = new InformerSettings(Duration.ofSeconds(5), 2, Duration.ofMillis(20),
            Duration.ofMillis(200));

    @TempDir
    Path dir;
    HttpsApi api;
    ClientTls tls;
    RemoteResourceClient client;
    ResourceOperations configMaps;

    @BeforeEach
    void start() throws Exception {
        api = new HttpsApi(dir);
        tls = ClientTls.load(api.caFile(), api.certFile(), api.keyFile());
        client = client(URI.create(api.url()));
        configMaps = client.resource(CONFIGMAPS).inNamespace("default");
    }

    private RemoteResourceClient client(URI... servers) {
        return new RemoteResourceClient(List.of(servers), tls.context(), tls.user(), FAST);
    }

    @AfterEach
    void stop() {
        client.close();
        api.close();
    }

    @Test
    void callsAreMadeAsTheCertificatesSubjectAndImpersonationIsRefused() {
        UserInfo user = client.user();
        assertEquals("system:admin", user.name());
        assertTrue(user.groups().contains("system:masters"), user.groups()::toString);
        UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class,
                () -> client.as(new UserInfo("someone", "", List.of(), java.util.Map.of())));
        assertTrue(refused.getMessage().contains("impersonation is not implemented"));
    }

    @Test
    void createGetListInPagesUpdatePatchAndDelete() {
        for (String n : List.of("a", "b", "c")) {
            ObjectNode created = configMaps.create(configMap(n, "{\"k\":\"" + n + "\"}"));
            assertFalse(created.path("metadata").path("uid").asText().isEmpty());
        }
        assertEquals("b", configMaps.get("b").path("data").path("k").asText());

        ObjectList first = configMaps.list(ListOptions.NONE.withLimit(2));
        assertEquals(List.of("a", "b"), names(first.items()));
        assertTrue(first.hasMore());
        ObjectList second = configMaps.list(ListOptions.NONE.withLimit(2).withContinue(first.continueToken()));
        assertEquals(List.of("c"), names(second.items()));
        assertFalse(second.hasMore());

        ObjectNode a = configMaps.get("a");
        a.with("data").put("k", "updated");
        ObjectNode updated = configMaps.update(a);
        assertEquals("updated", updated.path("data").path("k").asText());
        // the same resourceVersion again: stale now
        ResourceException conflict = assertThrows(ResourceException.class, () -> configMaps.update(a));
        assertEquals(409, conflict.code());
        assertTrue(conflict.isConflict(), conflict.reason());

        ObjectNode merged = configMaps.patch("b", PatchTypes.MERGE_PATCH, json("{\"data\":{\"m\":\"1\"}}"));
        assertEquals("1", merged.path("data").path("m").asText());
        assertEquals("b", merged.path("data").path("k").asText());
        ObjectNode patched = configMaps.patch("b", PatchTypes.JSON_PATCH,
                tree("[{\"op\":\"replace\",\"path\":\"/data/k\",\"value\":\"j\"}]"));
        assertEquals("j", patched.path("data").path("k").asText());

        configMaps.delete("c");
        ResourceException notFound = assertThrows(ResourceException.class, () -> configMaps.get("c"));
        assertEquals(404, notFound.code());
        assertTrue(notFound.isNotFound());
        assertEquals("c", notFound.details().name());
        assertTrue(configMaps.find("c").isEmpty());
        ResourceException deleteAgain = assertThrows(ResourceException.class, () -> configMaps.delete("c"));
        assertTrue(deleteAgain.isNotFound());
    }

    @Test
    void errorsAreTheApisStatusAsResourceExceptions() {
        configMaps.create(configMap("a", "{}"));
        ResourceException exists = assertThrows(ResourceException.class, () -> configMaps.create(configMap("a",
                "{}")));
        assertEquals(409, exists.code());
        assertTrue(exists.isAlreadyExists(), exists.reason());
        assertTrue(exists.getMessage().contains("\"a\" already exists"), exists.getMessage());

        ResourceException invalid = assertThrows(ResourceException.class, () -> configMaps.create(configMap(
                "Not_A_Name", "{}")));
        assertEquals(422, invalid.code());
        assertTrue(invalid.isInvalid());
        assertEquals("metadata.name", invalid.details().causes().get(0).field());

        ResourceException precondition = assertThrows(ResourceException.class,
                () -> configMaps.delete("a", DeleteOptions.NONE.withPreconditionUid("not-its-uid")));
        assertEquals(409, precondition.code());
        assertTrue(configMaps.find("a").isPresent());

        ResourceException unknown = assertThrows(ResourceException.class,
                () -> client.resource("", "v1", "nothings").list());
        assertEquals(404, unknown.code());
        assertTrue(unknown.isNotFound());
    }

    @Test
    void withoutANamespaceListsSpanAllAndWritesUseTheObjectsNamespace() {
        ResourceOperations all = client.resource(CONFIGMAPS);
        ObjectNode inSystem = configMap("s", "{}");
        ((ObjectNode) inSystem.get("metadata")).put("namespace", "kube-system");
        assertEquals("kube-system", all.create(inSystem).path("metadata").path("namespace").asText());
        configMaps.create(configMap("d", "{}"));
        List<String> names = names(all.list().items());
        assertTrue(names.containsAll(List.of("s", "d")), names::toString);
        assertEquals(405, assertThrows(ResourceException.class, () -> all.create(configMap("x", "{}"))).code());
        // cluster-scoped
        assertTrue(names(client.resource(NAMESPACES).list().items()).contains("kube-system"));
    }

    @Test
    void subresourcesAndDeleteCollection() {
        ObjectNode pod = configMapsIn(PODS).create(pod("web", "node-a"));
        pod.with("status").put("phase", "Running");
        assertEquals("Running", configMapsIn(PODS).updateStatus(pod).path("status").path("phase").asText());
        assertEquals("Running", configMapsIn(PODS).get("web", "status").path("status").path("phase").asText());

        configMaps.create(labelled(configMap("x1", "{}"), "app", "x"));
        configMaps.create(labelled(configMap("x2", "{}"), "app", "x"));
        configMaps.create(configMap("y", "{}"));
        ObjectList deleted = configMaps.deleteCollection(ListOptions.NONE.withLabelSelector("app=x"),
                DeleteOptions.NONE);
        assertEquals(Set.of("x1", "x2"), Set.copyOf(names(deleted.items())));
        assertTrue(names(configMaps.list().items()).contains("y"));
        assertFalse(names(configMaps.list().items()).contains("x1"));
    }

    private ResourceOperations configMapsIn(ResourceKey key) {
        return client.resource(key).inNamespace("default");
    }

    @Test
    void discoveryListsResourcesWithScopeAndVerbs() {
        List<ApiResource> resources = client.resources();
        ApiResource pods = resources.stream().filter(r -> r.key().equals(PODS)).findFirst().orElseThrow();
        assertTrue(pods.namespaced());
        assertTrue(pods.supports("watch"));
        assertTrue(pods.preferred());
        ApiResource namespaces = resources.stream().filter(r -> r.key().equals(NAMESPACES)).findFirst()
                .orElseThrow();
        assertFalse(namespaces.namespaced());
        assertTrue(resources.stream().anyMatch(r -> r.group().equals("apps") && r.resource().equals("deployments")));
        assertTrue(resources.stream().noneMatch(r -> r.resource().contains("/")), "no subresources");
    }

    @Test
    void aWatchDeliversAddedModifiedDeletedInOrderOffTheCallersThreadThenClosesWithNull() throws Exception {
        String from = configMaps.list().resourceVersion();
        Recorder recorder = new Recorder();
        ResourceWatch watch = configMaps.watch(ListOptions.NONE.withResourceVersion(from), recorder);
        configMaps.create(configMap("w", "{}"));
        ObjectNode w = configMaps.get("w");
        w.with("data").put("k", "v");
        configMaps.update(w);
        configMaps.delete("w");
        await("three events", () -> recorder.events.size() == 3, recorder.events::toString);
        assertEquals(List.of("ADDED w", "MODIFIED w", "DELETED w"), recorder.events);
        assertNotEquals(Thread.currentThread(), recorder.thread.get());

        watch.close();
        assertTrue(recorder.closed.await(5, TimeUnit.SECONDS));
        assertNull(recorder.cause.get());
        await("the watch ended", () -> client.openWatches() == 0, () -> "");
        watch.close();
    }

    @Test
    void aWatchFromACompactedVersionEndsWithTheErrorAsItsCause() throws Exception {
        String old = configMaps.create(configMap("old", "{}")).path("metadata").path("resourceVersion").asText();
        configMaps.create(configMap("newer", "{}"));
        api.compact();
        Recorder recorder = new Recorder();
        configMaps.watch(ListOptions.NONE.withResourceVersion(old), recorder);
        assertTrue(recorder.closed.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("ERROR "), recorder.events);
        assertTrue(recorder.cause.get().isGone(), () -> recorder.cause.get().code() + " " + recorder.cause.get());
    }

    @Test
    void anInformerWithAFieldSelectorSyncsOnlyTheNodesPods() throws Exception {
        ResourceOperations pods = configMapsIn(PODS);
        pods.create(pod("mine", "node-a"));
        pods.create(pod("theirs", "node-b"));
        Informer informer = client.informers().informer(PODS, null, "", "spec.nodeName=node-a");
        List<String> seen = new CopyOnWriteArrayList<>();
        informer.addEventHandler(new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode object) {
                seen.add("add " + name(object));
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode current) {
                seen.add("update " + name(current));
            }
        });
        informer.start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(10)));
        assertEquals(List.of("mine"), names(informer.lister().list()));

        pods.create(pod("later", "node-b"));
        pods.create(pod("mine-too", "node-a"));
        await("the second pod of node-a", () -> seen.contains("add mine-too"), seen::toString);
        assertEquals(List.of("add mine", "add mine-too"), seen);
        assertEquals(Set.of("mine", "mine-too"), Set.copyOf(names(informer.lister().list())));
    }

    @Test
    void readsFailOverFromAServerThatCannotBeReachedToTheNextOne() throws Exception {
        URI dead = URI.create("https://127.0.0.1:" + closedPort());
        URI live = URI.create(api.url());
        try (RemoteResourceClient failing = client(dead, live)) {
            assertEquals(dead, failing.servers().current());
            ObjectList list = failing.resource(CONFIGMAPS).inNamespace("default").list();
            assertTrue(list.items().isEmpty());
            assertEquals(live, failing.servers().current());
            failing.resource(CONFIGMAPS).inNamespace("default").create(configMap("after", "{}"));
            assertTrue(configMaps.find("after").isPresent());
        }
    }

    @Test
    void aWriteToAServerThatCannotBeReachedIsNotSentAgainButTheNextCallUsesTheNextServer() throws Exception {
        URI dead = URI.create("https://127.0.0.1:" + closedPort());
        URI live = URI.create(api.url());
        try (RemoteResourceClient failing = client(dead, live)) {
            ResourceOperations remote = failing.resource(CONFIGMAPS).inNamespace("default");
            // discovery (a read) fails over first; then the write goes to the live server
            remote.list();
            failing.servers().failover(live);
            assertEquals(dead, failing.servers().current());
            ResourceException unavailable = assertThrows(ResourceException.class,
                    () -> remote.create(configMap("once", "{}")));
            assertEquals(503, unavailable.code());
            assertTrue(unavailable.getMessage().contains(dead.toString()), unavailable.getMessage());
            assertTrue(configMaps.find("once").isEmpty(), "not sent again");
            assertEquals(live, failing.servers().current());
            remote.create(configMap("once", "{}"));
        }
    }

    @Test
    void noServerReachableIsA503NamingTheServer() throws Exception {
        URI dead = URI.create("https://127.0.0.1:" + closedPort());
        try (RemoteResourceClient failing = client(dead)) {
            ResourceException e = assertThrows(ResourceException.class,
                    () -> failing.resource(CONFIGMAPS).inNamespace("default").list());
            assertEquals(503, e.code());
            assertEquals("ServiceUnavailable", e.reason());
            assertTrue(e.getMessage().contains(dead.toString()), e.getMessage());
        }
    }

    @Test
    void serversAreLearnedFromTheKubernetesEndpoints() {
        ObjectNode endpoints = json("{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{\"name\":"
                + "\"kubernetes\",\"namespace\":\"default\"},\"subsets\":[{\"addresses\":[{\"ip\":\"192.0.2.7\"},"
                + "{\"ip\":\"192.0.2.9\"}],\"notReadyAddresses\":[{\"ip\":\"192.0.2.8\"}],\"ports\":[{\"name\":"
                + "\"https\",\"port\":" + api.port() + ",\"protocol\":\"TCP\"}]}]}");
        putEndpoints(endpoints);

        client.refreshServers();
        // the configured server first, then the ready addresses; not the one that is not ready
        assertEquals(List.of(URI.create(api.url()), URI.create("https://192.0.2.7:" + api.port()),
                URI.create("https://192.0.2.9:" + api.port())), client.servers().servers());
        assertEquals(URI.create(api.url()), client.servers().current());
    }

    /**
     * HighAvailabilityEndToEndTest: the agent's tunnel had learned the second server, the first was killed before
     * the client's first 30 s read of the Endpoints, and with only the dead server in its pool the client could
     * neither fail over nor read the Endpoints again. So it reads them as soon as it starts.
     */
    @Test
    void theServersAreLearnedFromTheEndpointsAsSoonAsTheClientStarts() throws Exception {
        putEndpoints(json("{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{\"name\":"
                + "\"kubernetes\",\"namespace\":\"default\"},\"subsets\":[{\"addresses\":[{\"ip\":\"192.0.2.7\"}],"
                + "\"ports\":[{\"name\":\"https\",\"port\":" + api.port() + ",\"protocol\":\"TCP\"}]}]}"));
        URI other = URI.create("https://192.0.2.7:" + api.port());
        try (RemoteResourceClient agent = client(URI.create(api.url()))) {
            // well before the next read, SERVER_REFRESH (30 s) after the start
            await("the Endpoints' server in the pool", () -> agent.servers().servers().contains(other),
                    agent.servers()::toString);
            assertEquals(List.of(URI.create(api.url()), other), agent.servers().servers());
        }
    }

    private void putEndpoints(ObjectNode endpoints) {
        ResourceOperations local = api.local().resource(ENDPOINTS).inNamespace("default");
        local.find("kubernetes").ifPresentOrElse(old -> {
            endpoints.with("metadata").put("resourceVersion", old.path("metadata").path("resourceVersion")
                    .asText());
            local.update(endpoints);
        }, () -> local.create(endpoints));
    }

    @Test
    void closingEndsWatchesAndInformersAndReleasesTheClientsThreads() throws Exception {
        Recorder recorder = new Recorder();
        configMaps.watch(ListOptions.NONE, recorder);
        Informer informer = client.informers().informer(CONFIGMAPS).start();
        assertTrue(informer.waitForSync(Duration.ofSeconds(10)));
        client.close();
        assertTrue(recorder.closed.await(5, TimeUnit.SECONDS));
        assertEquals(0, client.openWatches());
        await("the client's threads ended", () -> clientThreads().isEmpty(), () -> clientThreads().toString());
        assertEquals(503, assertThrows(ResourceException.class, () -> configMaps.list()).code());
    }

    private static List<String> clientThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("karst-remote-client-")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    static final class Recorder implements Watcher {
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final AtomicReference<ResourceException> cause = new AtomicReference<>();
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void onEvent(ResourceEvent event) {
            thread.set(Thread.currentThread());
            if (event.type() != ResourceEvent.Type.BOOKMARK) {
                events.add(event.type() + " " + name(event.object()));
            }
        }

        @Override
        public void onClose(ResourceException failure) {
            cause.set(failure);
            closed.countDown();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static ObjectNode json(String text) {
        return (ObjectNode) tree(text);
    }

    static JsonNode tree(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ObjectNode configMap(String name, String data) {
        return json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\"},\"data\":" + data + "}");
    }

    static ObjectNode pod(String name, String node) {
        return json("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":"
                + "{\"nodeName\":\"" + node + "\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
    }

    static ObjectNode labelled(ObjectNode object, String key, String value) {
        ((ObjectNode) object.get("metadata")).putObject("labels").put(key, value);
        return object;
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    static List<String> names(List<ObjectNode> objects) {
        return objects.stream().map(RemoteResourceClientTest::name).toList();
    }

    static void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + ": " + state.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
