package io.karst.apiserver.client;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;
import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.endpoint.ObjectAdmission;
import io.karst.apiserver.endpoint.ObjectWriter;
import io.karst.apiserver.endpoint.ResourceEndpoint;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.storage.ObjectStore;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;

/** The API server's resource stack over a real SQLite store, and the in-process client on top of it. */
final class ClientFixture implements AutoCloseable {
    static final ResourceKey CONFIGMAPS = new ResourceKey("", "v1", "configmaps");
    static final ResourceKey NAMESPACES = new ResourceKey("", "v1", "namespaces");
    static final ResourceKey DEPLOYMENTS = new ResourceKey("apps", "v1", "deployments");
    static final ObjectMapper JSON = new ObjectMapper();

    final LogStructuredStore kv;
    final ObjectCodec codec = new ObjectCodec();
    final ResourceRegistry registry = new ResourceRegistry(BuiltinResources.all());
    final ObjectStore store;
    final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    final ResourceEndpoint endpoint;
    final LocalResourceClient client;

    ClientFixture(Path dir, ClientSettings settings) {
        kv = SqliteStore.openInDataDir(dir, SqliteSync.NORMAL, StoreSettings.defaults());
        store = new ObjectStore(() -> kv, codec);
        ObjectWriter writer = new ObjectWriter(store, registry, ObjectAdmission.NONE, Clock.systemUTC());
        endpoint = new ResourceEndpoint(store, writer, timers);
        client = new LocalResourceClient(registry, endpoint, settings);
        for (String ns : List.of("default", "kube-system")) {
            client.resource(NAMESPACES).create(object("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
                    + "\"metadata\":{\"name\":\"" + ns + "\"}}"));
        }
    }

    static ObjectNode object(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ObjectNode configMap(String name, String data) {
        return object("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\"},\"data\":" + data + "}");
    }

    static ObjectNode labelled(ObjectNode object, String key, String value) {
        ((ObjectNode) object.get("metadata")).putObject("labels").put(key, value);
        return object;
    }

    static String resourceVersion(ObjectNode object) {
        return object.path("metadata").path("resourceVersion").asText();
    }

    static String name(ObjectNode object) {
        return object.path("metadata").path("name").asText();
    }

    /** Waits up to five seconds for {@code condition}. */
    static void await(String what, BooleanSupplier condition) {
        await(what, condition, () -> "");
    }

    /** Waits up to five seconds for {@code condition}; {@code state} says what was seen instead. */
    static void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + " " + state.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        client.close();
        timers.shutdownNow();
        kv.close();
    }
}
