package io.karst.apiserver.client;

import static io.karst.apiserver.client.ClientFixture.CONFIGMAPS;
import static io.karst.apiserver.client.ClientFixture.DEPLOYMENTS;
import static io.karst.apiserver.client.ClientFixture.await;
import static io.karst.apiserver.client.ClientFixture.configMap;
import static io.karst.apiserver.client.ClientFixture.labelled;
import static io.karst.apiserver.client.ClientFixture.name;
import static io.karst.apiserver.client.ClientFixture.object;
import static io.karst.apiserver.client.ClientFixture.resourceVersion;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.DeletionPropagation;
import io.karst.api.client.ListOptions;
import io.karst.api.client.ObjectList;
import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEvent;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.client.ResourceWatch;
import io.karst.api.client.Watcher;
import io.karst.api.client.WriteOptions;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.endpoint.RequestPath;
import io.karst.apiserver.endpoint.ResourceRequest;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.status.StatusObject;

class LocalResourceClientTest {
    @TempDir
    Path dir;
    ClientFixture api;
    ResourceOperations configMaps;

    @BeforeEach
    void start() {
        api = new ClientFixture(dir, ClientSettings.DEFAULTS);
        configMaps = api.client.resource(CONFIGMAPS).inNamespace("default");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void inProcessWritesAreManagedByKarst() {
        ObjectNode created = configMaps.create(configMap("managed", "{\"a\":\"b\"}"));
        JsonNode entry = created.path("metadata").path("managedFields").get(0);
        assertEquals("karst", entry.path("manager").asText());
        assertEquals("Update", entry.path("operation").asText());
        assertEquals("{\"f:data\":{\".\":{},\"f:a\":{}}}", entry.path("fieldsV1").toString());
    }

    @Test
    void createStoresTheObjectWithServerMetadataAndLeavesTheCallersTreeAlone() {
        ObjectNode mine = configMap("one", "{\"a\":\"b\"}");
        ObjectNode before = mine.deepCopy();
        ObjectNode created = configMaps.create(mine);
        assertEquals(before, mine, "the caller's tree is not modified");
        assertEquals("default", created.path("metadata").path("namespace").asText());
        assertFalse(created.path("metadata").path("uid").asText().isEmpty());
        assertEquals(Long.toString(api.kv.currentRevision()), resourceVersion(created));
        assertEquals(created, configMaps.get("one"));
        assertEquals(List.of("one"), configMaps.list().items().stream().map(ClientFixture::name).toList());
    }

    @Test
    void resourcesListsEveryServedResourceWithScopeVerbsAndPreferredVersion() {
        List<io.karst.api.client.ApiResource> all = api.client.resources();
        io.karst.api.client.ApiResource deployments = all.stream()
                .filter(r -> r.group().equals("apps") && r.resource().equals("deployments")).findFirst().orElseThrow();
        assertEquals("Deployment", deployments.kind());
        assertTrue(deployments.namespaced());
        assertTrue(deployments.preferred());
        assertTrue(deployments.supports("deletecollection"));
        io.karst.api.client.ApiResource namespaces = all.stream()
                .filter(r -> r.group().isEmpty() && r.resource().equals("namespaces")).findFirst().orElseThrow();
        assertFalse(namespaces.namespaced());
        assertFalse(namespaces.supports("deletecollection"));
        assertTrue(all.stream().noneMatch(r -> r.resource().contains("/")), "no subresources");
    }

    @Test
    void aTerminatingNamespaceSurvivesUpdatesUntilItsSpecFinalizersAreRemovedThroughFinalize() {
        ResourceOperations namespaces = api.client.resource(ClientFixture.NAMESPACES);
        namespaces.create(ClientFixture.object("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
                + "\"metadata\":{\"name\":\"ending\"}}"));
        namespaces.delete("ending");
        ObjectNode terminating = namespaces.get("ending");
        assertEquals("Terminating", terminating.path("status").path("phase").asText());
        ((ObjectNode) terminating.get("status")).putArray("conditions").addObject().put("type", "X")
                .put("status", "False");
        namespaces.updateStatus(terminating);
        ObjectNode labelled = namespaces.get("ending");
        ((ObjectNode) labelled.get("metadata")).putObject("labels").put("a", "b");
        namespaces.update(labelled);
        ObjectNode still = namespaces.get("ending");
        assertEquals("kubernetes", still.path("spec").path("finalizers").path(0).asText());

        ((ObjectNode) still.get("spec")).putArray("finalizers");
        namespaces.update(still, "finalize", io.karst.api.client.WriteOptions.NONE);
        assertTrue(namespaces.find("ending").isEmpty());
    }

    @Test
    void createWithoutANamespaceTakesTheObjectsOwn() {
        ObjectNode cm = configMap("own", "{}");
        ((ObjectNode) cm.get("metadata")).put("namespace", "kube-system");
        api.client.resource(CONFIGMAPS).create(cm);
        assertTrue(api.client.resource(CONFIGMAPS).inNamespace("kube-system").find("own").isPresent());
        ResourceException e = assertThrows(ResourceException.class,
                () -> api.client.resource(CONFIGMAPS).create(configMap("nowhere", "{}")));
        assertEquals(405, e.code());
    }

    @Test
    void updateWithAStaleResourceVersionIsAConflictAsOverHttp() {
        ObjectNode created = configMaps.create(configMap("one", "{\"a\":\"1\"}"));
        ObjectNode first = created.deepCopy();
        first.with("data").put("a", "2");
        ObjectNode updated = configMaps.update(first);
        assertNotEquals(resourceVersion(created), resourceVersion(updated));
        ObjectNode stale = created.deepCopy();
        stale.with("data").put("a", "3");
        ResourceException e = assertThrows(ResourceException.class, () -> configMaps.update(stale));
        assertEquals(409, e.code());
        assertEquals("Conflict", e.reason());
        assertTrue(e.isConflict());
        assertEquals("Operation cannot be fulfilled on configmaps \"one\": the object has been modified; please "
                + "apply your changes to the latest version and try again", e.getMessage());
        assertEquals("one", e.details().name());
        assertEquals("configmaps", e.details().kind());
        assertEquals("2", configMaps.get("one").path("data").path("a").asText());
    }

    @Test
    void failuresCarryTheStatusTheHttpApiSends() {
        // The same request over the endpoint with a JSON body, as the HTTP layer makes it.
        byte[] body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{}}".getBytes(StandardCharsets.UTF_8);
        ResourceRequest http = new ResourceRequest(RequestPath.parse("/api/v1/namespaces/default/configmaps")
                .orElseThrow(), api.registry.find("", "v1", "configmaps").orElseThrow(), "POST", Map.of(), body,
                "application/json");
        ApiException overHttp = assertThrows(ApiException.class, () -> api.endpoint.handle(http));
        ObjectNode status = StatusObject.failure(overHttp);

        ResourceException inProcess = assertThrows(ResourceException.class,
                () -> configMaps.create(object("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{}}")));
        assertEquals(422, inProcess.code());
        assertTrue(inProcess.isInvalid());
        assertEquals(status.path("code").asInt(), inProcess.code());
        assertEquals(status.path("reason").asText(), inProcess.reason());
        assertEquals(status.path("message").asText(), inProcess.getMessage());
        assertEquals(List.of(new ResourceException.Cause("FieldValueRequired",
                "Required value: name or generateName is required", "metadata.name")), inProcess.details().causes());
        assertEquals("ConfigMap", inProcess.details().kind());
    }

    @Test
    void createTwiceIsAlreadyExistsAndAMissingObjectNotFound() {
        configMaps.create(configMap("one", "{}"));
        ResourceException exists = assertThrows(ResourceException.class, () -> configMaps.create(configMap("one",
                "{}")));
        assertTrue(exists.isAlreadyExists());
        assertEquals("configmaps \"one\" already exists", exists.getMessage());
        ResourceException missing = assertThrows(ResourceException.class, () -> configMaps.get("two"));
        assertTrue(missing.isNotFound());
        assertEquals("configmaps \"two\" not found", missing.getMessage());
        assertTrue(configMaps.find("two").isEmpty());
    }

    @Test
    void anUnknownResourceIsNotFoundAndFindDoesNotHideIt() {
        ResourceOperations widgets = api.client.resource(new ResourceKey("example.com", "v1", "widgets"))
                .inNamespace("default");
        ResourceException e = assertThrows(ResourceException.class, () -> widgets.find("w"));
        assertEquals(404, e.code());
        assertEquals("the server could not find the requested resource", e.getMessage());
    }

    @Test
    void mergeAndJsonPatchesChangeTheStoredObject() {
        configMaps.create(configMap("one", "{\"a\":\"1\",\"b\":\"2\"}"));
        ObjectNode merged = configMaps.patch("one", PatchTypes.MERGE_PATCH,
                object("{\"data\":{\"a\":null,\"c\":\"3\"}}"));
        assertEquals(object("{\"b\":\"2\",\"c\":\"3\"}"), merged.get("data"));
        ObjectNode patched = configMaps.patch("one", PatchTypes.JSON_PATCH,
                ClientFixture.JSON.valueToTree(List.of(Map.of("op", "replace", "path", "/data/b", "value", "9"))));
        assertEquals("9", patched.path("data").path("b").asText());
        assertEquals(patched, configMaps.get("one"));
        ResourceException unsupported = assertThrows(ResourceException.class,
                () -> configMaps.patch("one", "application/x-nonsense", object("{}")));
        assertEquals(415, unsupported.code());
    }

    @Test
    void updateStatusChangesOnlyTheStatusAndUpdateOnlyTheRest() {
        ResourceOperations deployments = api.client.resource(DEPLOYMENTS).inNamespace("default");
        ObjectNode created = deployments.create(object("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
                + "\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":1}}"));
        ObjectNode withStatus = created.deepCopy();
        withStatus.putObject("status").put("readyReplicas", 1);
        withStatus.with("spec").put("replicas", 5);
        ObjectNode afterStatus = deployments.updateStatus(withStatus);
        assertEquals(1, afterStatus.path("status").path("readyReplicas").asInt());
        assertEquals(1, afterStatus.path("spec").path("replicas").asInt(), "the status update kept the spec");
        ObjectNode scaled = afterStatus.deepCopy();
        scaled.with("spec").put("replicas", 3);
        scaled.remove("status");
        ObjectNode afterUpdate = deployments.update(scaled);
        assertEquals(3, afterUpdate.path("spec").path("replicas").asInt());
        assertEquals(1, afterUpdate.path("status").path("readyReplicas").asInt(), "the update kept the status");
        assertEquals(2, afterUpdate.path("metadata").path("generation").asInt());
    }

    @Test
    void deletePreconditionsPropagationAndDryRun() {
        ObjectNode one = configMaps.create(configMap("one", "{}"));
        ResourceException wrongUid = assertThrows(ResourceException.class,
                () -> configMaps.delete("one", DeleteOptions.NONE.withPreconditionUid("not-the-uid")));
        assertEquals(409, wrongUid.code());
        assertTrue(wrongUid.getMessage().contains("Precondition failed: UID in precondition: not-the-uid"));

        configMaps.delete("one", DeleteOptions.NONE.withDryRun(true));
        assertTrue(configMaps.find("one").isPresent(), "a dry run deletes nothing");

        ObjectNode pending = configMaps.delete("one", DeleteOptions.NONE
                .withPropagationPolicy(DeletionPropagation.FOREGROUND)
                .withPreconditionResourceVersion(resourceVersion(one)));
        assertFalse(pending.path("metadata").path("deletionTimestamp").isMissingNode());
        assertEquals("foregroundDeletion", pending.path("metadata").path("finalizers").path(0).asText());

        configMaps.create(configMap("two", "{}"));
        ObjectNode status = configMaps.delete("two");
        assertEquals("Status", status.path("kind").asText());
        assertEquals("Success", status.path("status").asText());
        assertTrue(configMaps.find("two").isEmpty());
    }

    @Test
    void dryRunCreateStoresNothing() {
        long before = api.kv.currentRevision();
        ObjectNode answer = configMaps.create(configMap("dry", "{}"), null, WriteOptions.NONE.withDryRun(true));
        assertEquals("dry", name(answer));
        assertEquals(before, api.kv.currentRevision());
        assertTrue(configMaps.find("dry").isEmpty());
    }

    @Test
    void listPagesWithLimitAndContinueAndFiltersByLabel() {
        for (int i = 0; i < 5; i++) {
            configMaps.create(labelled(configMap("cm-" + i, "{}"), "half", i % 2 == 0 ? "even" : "odd"));
        }
        List<String> names = new ArrayList<>();
        ListOptions options = ListOptions.NONE.withLimit(2);
        ObjectList page;
        int pages = 0;
        do {
            page = configMaps.list(options);
            pages++;
            page.items().forEach(o -> names.add(name(o)));
            options = options.withContinue(page.continueToken());
        } while (page.hasMore());
        assertEquals(3, pages);
        assertEquals(List.of("cm-0", "cm-1", "cm-2", "cm-3", "cm-4"), names);
        assertEquals(List.of("cm-0", "cm-2", "cm-4"), configMaps.list(ListOptions.NONE.withLabelSelector(
                "half=even")).items().stream().map(ClientFixture::name).toList());
    }

    @Test
    void clientsActAsTheirUser() {
        assertEquals(ResourceClient.INTERNAL_USER, api.client.user());
        UserInfo alice = new UserInfo("alice", "", List.of("dev"), Map.of());
        ResourceClient asAlice = api.client.as(alice);
        assertEquals(alice, asAlice.user());
        assertEquals("system:masters", ResourceClient.INTERNAL_USER.groups().get(0));
        asAlice.resource(CONFIGMAPS).inNamespace("default").create(configMap("hers", "{}"));
        assertTrue(configMaps.find("hers").isPresent());
    }

    @Test
    void watchDeliversChangesAfterTheResourceVersionInOrderThenClosesOnRequest() throws Exception {
        ObjectNode before = configMaps.create(configMap("before", "{}"));
        Recorder recorder = new Recorder();
        ResourceWatch watch = configMaps.watch(ListOptions.NONE.withResourceVersion(resourceVersion(before)),
                recorder);
        ObjectNode one = configMaps.create(configMap("one", "{}"));
        ObjectNode changed = one.deepCopy();
        changed.with("data").put("k", "v");
        configMaps.update(changed);
        configMaps.delete("one");
        await("three events", () -> recorder.events.size() == 3);
        assertEquals(List.of("ADDED one", "MODIFIED one", "DELETED one"), recorder.summary());
        assertNotEquals(Thread.currentThread().getName(), recorder.thread.get());
        watch.close();
        assertTrue(recorder.closed.await(5, TimeUnit.SECONDS));
        assertNull(recorder.cause.get());
    }

    @Test
    void watchFromACompactedVersionEndsWithA410() throws Exception {
        ObjectNode first = configMaps.create(configMap("one", "{}"));
        configMaps.create(configMap("two", "{}"));
        configMaps.create(configMap("three", "{}"));
        api.kv.compact(api.kv.currentRevision());
        Recorder recorder = new Recorder();
        configMaps.watch(ListOptions.NONE.withResourceVersion(resourceVersion(first)), recorder);
        assertTrue(recorder.closed.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(ResourceEvent.Type.ERROR), recorder.events.stream().map(ResourceEvent::type).toList());
        assertEquals(410, recorder.events.get(0).object().path("code").asInt());
        assertTrue(recorder.cause.get().isGone());
        assertEquals("Expired", recorder.cause.get().reason());
    }

    @Test
    void aWatcherThatFallsTooFarBehindHasItsWatchEnded() throws Exception {
        api.close();
        api = new ClientFixture(dir.resolve("slow"), new ClientSettings(2, ClientSettings.DEFAULTS.minWatchTimeout(),
                500, ClientSettings.DEFAULTS.initialBackoff(), ClientSettings.DEFAULTS.maxBackoff()));
        configMaps = api.client.resource(CONFIGMAPS).inNamespace("default");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stuck = new CountDownLatch(1);
        Recorder recorder = new Recorder() {
            @Override
            public void onEvent(ResourceEvent event) {
                stuck.countDown();
                awaitQuietly(release);
                super.onEvent(event);
            }
        };
        configMaps.watch(ListOptions.NONE.withResourceVersion(Long.toString(api.kv.currentRevision())), recorder);
        configMaps.create(configMap("cm-0", "{}"));
        // the watcher is now stuck in its first event: the next four overflow its queue of two, whatever the load
        assertTrue(stuck.await(5, TimeUnit.SECONDS), "the first event reached the watcher");
        for (int i = 1; i < 5; i++) {
            configMaps.create(configMap("cm-" + i, "{}"));
        }
        // the events reach the watch asynchronously: hold the watcher until its queue has overflowed
        ClientFixture.await("the overflowing watch to end", () -> api.client.openWatches() == 0);
        release.countDown();
        assertTrue(recorder.closed.await(5, TimeUnit.SECONDS), "the watch ended");
        assertNull(recorder.cause.get(), "as an ordinary end, after which the watcher watches again");
        assertTrue(recorder.events.size() < 5, "events beyond the queue were not delivered: " + recorder.summary());
    }

    @Test
    void closingTheClientEndsItsWatches() throws Exception {
        Recorder recorder = new Recorder();
        configMaps.watch(ListOptions.NONE.withResourceVersion(Long.toString(api.kv.currentRevision())), recorder);
        api.client.close();
        assertTrue(recorder.closed.await(5, TimeUnit.SECONDS), "the watcher was told");
        assertNull(recorder.cause.get());
        api.store.create(api.registry.find("", "v1", "configmaps").orElseThrow(), "default", "late",
                configMap("late", "{}"));
        Thread.sleep(100);
        assertEquals(List.of(), recorder.events);
    }

    @Test
    void aClosedClientRefusesCallsWith503() {
        api.client.close();
        ResourceException e = assertThrows(ResourceException.class, () -> configMaps.get("x"));
        assertEquals(503, e.code());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static class Recorder implements Watcher {
        final List<ResourceEvent> events = new CopyOnWriteArrayList<>();
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicReference<ResourceException> cause = new AtomicReference<>();
        final AtomicReference<String> thread = new AtomicReference<>();

        @Override
        public void onEvent(ResourceEvent event) {
            thread.set(Thread.currentThread().getName());
            events.add(event);
        }

        @Override
        public void onClose(ResourceException e) {
            cause.set(e);
            closed.countDown();
        }

        List<String> summary() {
            return events.stream().map(e -> e.type() + " " + name(e.object())).toList();
        }
    }
}
