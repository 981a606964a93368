package io.karst.client.informers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.ListOptions;
import io.karst.api.client.ObjectList;
import io.karst.api.client.ResourceEvent;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.client.ResourceWatch;
import io.karst.api.client.Watcher;
import io.karst.api.client.WriteOptions;

/**
 * ResourceOperations that serve a list the test sets and record every list and watch request; the test plays the
 * server's side of the current watch (its events and its end).
 */
final class FakeOperations implements ResourceOperations {
    static final ResourceKey CONFIGMAPS = new ResourceKey("", "v1", "configmaps");

    final List<ListOptions> lists = new CopyOnWriteArrayList<>();
    final List<ListOptions> watches = new CopyOnWriteArrayList<>();
    volatile List<ObjectNode> objects = List.of();
    volatile String listVersion = "1";
    volatile Watcher watcher;

    static ObjectNode object(String name, String resourceVersion) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("apiVersion", "v1").put("kind", "ConfigMap");
        o.putObject("metadata").put("name", name).put("namespace", "default")
                .put("resourceVersion", resourceVersion);
        return o;
    }

    /** Sends an event on the current watch. */
    void send(ResourceEvent.Type type, ObjectNode object) {
        watcher.onEvent(new ResourceEvent(type, object));
    }

    /** Ends the current watch as a server does: normally ({@code null}) or after an ERROR event. */
    void end(ResourceException cause) {
        Watcher w = watcher;
        watcher = null;
        w.onClose(cause);
    }

    @Override
    public ResourceKey key() {
        return CONFIGMAPS;
    }

    @Override
    public String namespace() {
        return null;
    }

    @Override
    public ResourceOperations inNamespace(String namespace) {
        return this;
    }

    @Override
    public ObjectList list(ListOptions options) {
        lists.add(options);
        List<ObjectNode> all = objects;
        int from = options.continueToken().isEmpty() ? 0 : Integer.parseInt(options.continueToken());
        int to = options.limit() > 0 ? (int) Math.min(all.size(), from + options.limit()) : all.size();
        List<ObjectNode> page = new ArrayList<>();
        all.subList(from, to).forEach(o -> page.add(o.deepCopy()));
        return new ObjectList(listVersion, to < all.size() ? Integer.toString(to) : "", page);
    }

    @Override
    public ResourceWatch watch(ListOptions options, Watcher w) {
        watches.add(options);
        watcher = w;
        return () -> {
        };
    }

    @Override
    public ObjectNode get(String name, String subresource) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode create(ObjectNode object, String subresource, WriteOptions options) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode update(ObjectNode object, String subresource, WriteOptions options) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode patch(String name, String patchType, JsonNode patch, String subresource,
            WriteOptions options) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode delete(String name, DeleteOptions options) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ObjectList deleteCollection(ListOptions selection, DeleteOptions options) {
        throw new UnsupportedOperationException();
    }
}
