package io.karst.apiserver.authorization;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A test double of the watch cache the authorizers read: objects added by the test, looked up by kind. */
final class InMemoryObjects implements RbacObjects, NodeObjects {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<ObjectNode> objects = new ArrayList<>();

    InMemoryObjects add(String json) {
        try {
            objects.add((ObjectNode) JSON.readTree(json.replace('\'', '"')));
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
        return this;
    }

    private List<ObjectNode> of(String kind, String namespace) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind))
                .filter(o -> namespace == null || o.path("metadata").path("namespace").asText().equals(namespace))
                .toList();
    }

    private Optional<ObjectNode> named(String kind, String namespace, String name) {
        return of(kind, namespace).stream().filter(o -> o.path("metadata").path("name").asText().equals(name))
                .findFirst();
    }

    @Override
    public List<ObjectNode> clusterRoleBindings() {
        return of("ClusterRoleBinding", null);
    }

    @Override
    public List<ObjectNode> roleBindings(String namespace) {
        return of("RoleBinding", namespace);
    }

    @Override
    public Optional<ObjectNode> clusterRole(String name) {
        return named("ClusterRole", null, name);
    }

    @Override
    public Optional<ObjectNode> role(String namespace, String name) {
        return named("Role", namespace, name);
    }

    @Override
    public List<ObjectNode> podsOn(String nodeName) {
        return of("Pod", null).stream().filter(p -> p.path("spec").path("nodeName").asText().equals(nodeName))
                .toList();
    }

    @Override
    public Optional<ObjectNode> pod(String namespace, String name) {
        return named("Pod", namespace, name);
    }

    @Override
    public Optional<ObjectNode> persistentVolumeClaim(String namespace, String name) {
        return named("PersistentVolumeClaim", namespace, name);
    }
}
