package io.karst.apiserver.authorization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;

/**
 * kube-apiserver's bootstrap RBAC policy ({@code bootstrap-policy.yaml} beside this class, the roles and bindings
 * of upstream's {@code bootstrappolicy}), written at start when missing as upstream's storage post-start hook
 * does, with its {@code autoupdate} annotation and {@code rbac-defaults} label. Existing objects are left alone:
 * an administrator's edits survive restarts.
 */
public final class BootstrapPolicy {
    static final String AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";
    static final String BOOTSTRAPPING = "kubernetes.io/bootstrapping";
    private static final String API_VERSION = "rbac.authorization.k8s.io/v1";

    private final List<ObjectNode> clusterRoles;
    private final List<ObjectNode> clusterRoleBindings;

    private BootstrapPolicy(List<ObjectNode> clusterRoles, List<ObjectNode> clusterRoleBindings) {
        this.clusterRoles = clusterRoles;
        this.clusterRoleBindings = clusterRoleBindings;
    }

    public static BootstrapPolicy load() {
        try (InputStream in = BootstrapPolicy.class.getResourceAsStream("bootstrap-policy.yaml")) {
            JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(in);
            List<ObjectNode> roles = new ArrayList<>();
            for (JsonNode r : doc.path("clusterRoles")) {
                ObjectNode role = object("ClusterRole", r.path("name").asText(), r.path("labels"));
                if (r.has("aggregationRule")) {
                    role.set("aggregationRule", r.get("aggregationRule"));
                }
                // aggregated roles start empty; the aggregation fills them, as upstream's controller does
                role.set("rules", r.has("rules") ? r.get("rules") : JsonNodeFactory.instance.arrayNode());
                roles.add(role);
            }
            List<ObjectNode> bindings = new ArrayList<>();
            for (JsonNode b : doc.path("clusterRoleBindings")) {
                ObjectNode binding = object("ClusterRoleBinding", b.path("name").asText(), null);
                ObjectNode ref = binding.putObject("roleRef");
                ref.put("apiGroup", RbacKeys.GROUP);
                ref.put("kind", "ClusterRole");
                ref.put("name", b.path("role").asText());
                ArrayNode subjects = binding.putArray("subjects");
                for (JsonNode s : b.path("subjects")) {
                    ObjectNode subject = subjects.addObject();
                    subject.put("apiGroup", RbacKeys.GROUP);
                    subject.put("kind", s.path("kind").asText());
                    subject.put("name", s.path("name").asText());
                }
                bindings.add(binding);
            }
            return new BootstrapPolicy(List.copyOf(roles), List.copyOf(bindings));
        } catch (IOException e) {
            throw new UncheckedIOException("the bootstrap RBAC policy cannot be read", e);
        }
    }

    public List<ObjectNode> clusterRoles() {
        return clusterRoles;
    }

    public List<ObjectNode> clusterRoleBindings() {
        return clusterRoleBindings;
    }

    /** The rules of one bootstrap ClusterRole (the Node authorizer uses {@code system:node}'s). */
    public List<PolicyRule> rules(String clusterRole) {
        for (ObjectNode role : clusterRoles) {
            if (role.path("metadata").path("name").asText().equals(clusterRole)) {
                return PolicyRule.all(role.path("rules"));
            }
        }
        throw new IllegalArgumentException("no bootstrap ClusterRole " + clusterRole);
    }

    /** Creates every bootstrap role and binding that does not exist yet. */
    public void ensure(ResourceClient client) {
        for (ObjectNode role : clusterRoles) {
            createIfMissing(client, RbacKeys.CLUSTER_ROLES, role);
        }
        for (ObjectNode binding : clusterRoleBindings) {
            createIfMissing(client, RbacKeys.CLUSTER_ROLE_BINDINGS, binding);
        }
    }

    private static void createIfMissing(ResourceClient client, io.karst.api.client.ResourceKey key,
            ObjectNode object) {
        var resource = client.resource(key);
        if (resource.find(object.path("metadata").path("name").asText()).isPresent()) {
            return;
        }
        try {
            resource.create(object.deepCopy());
        } catch (ResourceException e) {
            if (!e.isAlreadyExists()) {
                throw e;
            }
        }
    }

    private static ObjectNode object(String kind, String name, JsonNode labels) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("apiVersion", API_VERSION);
        o.put("kind", kind);
        ObjectNode meta = o.putObject("metadata");
        meta.put("name", name);
        meta.putObject("annotations").put(AUTOUPDATE, "true");
        ObjectNode l = meta.putObject("labels");
        l.put(BOOTSTRAPPING, "rbac-defaults");
        if (labels != null) {
            for (Map.Entry<String, JsonNode> e : labels.properties()) {
                l.put(e.getKey(), e.getValue().asText());
            }
        }
        return o;
    }
}
