package io.karst.apiserver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ListOptions;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.apiserver.testing.InProcessApi;

/**
 * The reads a write makes of other objects through the whole stack, where the watch cache serves them: what was
 * written just before is not missed (a namespace, a LimitRange), and a namespace the cache shows terminating takes
 * nothing more.
 */
class CachedReadsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ResourceKey NAMESPACES = new ResourceKey("", "v1", "namespaces");
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final ResourceKey CONFIG_MAPS = new ResourceKey("", "v1", "configmaps");
    static final ResourceKey LIMIT_RANGES = new ResourceKey("", "v1", "limitranges");

    @TempDir
    Path dir;
    InProcessApi api;
    ResourceClient client;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        client = api.client();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
    }

    private ObjectNode configMap(String name) throws Exception {
        return json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'" + name + "'}}");
    }

    @Test
    void aNamespaceWrittenJustBeforeTakesObjectsAndOneShownTerminatingTakesNoMore() throws Exception {
        for (int i = 0; i < 20; i++) {
            // each created and used at once: the cache may not have it yet, the datastore has
            client.resource(NAMESPACES).create(json("{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'n"
                    + i + "'}}"));
            client.resource(CONFIG_MAPS).inNamespace("n" + i).create(configMap("first"));
        }
        client.resource(NAMESPACES).delete("n0"); // terminating: the namespace finalizer keeps it
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!client.resource(NAMESPACES).list(ListOptions.NONE.withResourceVersion("0")).items().stream()
                .anyMatch(ns -> ns.path("metadata").path("name").asText().equals("n0")
                        && ns.path("metadata").has("deletionTimestamp"))) {
            assertTrue(System.nanoTime() < deadline, "the cache never showed n0 terminating");
            Thread.sleep(10);
        }
        ResourceException refused = assertThrows(ResourceException.class,
                () -> client.resource(CONFIG_MAPS).inNamespace("n0").create(configMap("late")));
        assertEquals(403, refused.code());
        assertTrue(refused.getMessage().contains("because it is being terminated"), refused.getMessage());
        assertEquals(404, assertThrows(ResourceException.class,
                () -> client.resource(CONFIG_MAPS).inNamespace("missing").create(configMap("x"))).code());
    }

    @Test
    void aLimitRangeWrittenJustBeforeAPodGivesItsDefaults() throws Exception {
        for (int i = 0; i < 20; i++) {
            String ns = "lr" + i;
            client.resource(NAMESPACES).create(json("{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'"
                    + ns + "'}}"));
            // a pod first, with no LimitRange yet; then one, and a pod at once
            client.resource(PODS).inNamespace(ns).create(json("{'apiVersion':'v1','kind':'Pod','metadata':"
                    + "{'name':'before'},'spec':{'containers':[{'name':'c','image':'busybox'}]}}"));
            client.resource(LIMIT_RANGES).inNamespace(ns).create(json("{'apiVersion':'v1','kind':'LimitRange',"
                    + "'metadata':{'name':'defaults'},'spec':{'limits':[{'type':'Container','default':{'cpu':"
                    + "'" + (i + 1) + "0m'}}]}}"));
            ObjectNode pod = client.resource(PODS).inNamespace(ns).create(json("{'apiVersion':'v1','kind':'Pod',"
                    + "'metadata':{'name':'after'},'spec':{'containers':[{'name':'c','image':'busybox'}]}}"));
            assertEquals((i + 1) + "0m", pod.at("/spec/containers/0/resources/limits/cpu").asText(), ns);
        }
    }
}
