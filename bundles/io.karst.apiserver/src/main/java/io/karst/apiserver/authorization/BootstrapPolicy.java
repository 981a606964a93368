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

    /**
     * Creates every bootstrap role and binding that does not exist yet, and, as upstream's reconciliation, adds to
     * those still annotated {@code autoupdate: "true"} the rules and subjects a newer Karst brings (never removing
     * what an administrator added; set the annotation to {@code "false"} to keep an object as it is).
     */
    public void ensure(ResourceClient client) {
        for (ObjectNode role : clusterRoles) {
            createOrExtend(client, RbacKeys.CLUSTER_ROLES, role, "rules", BootstrapPolicy::sameRule);
        }
        for (ObjectNode binding : clusterRoleBindings) {
            createOrExtend(client, RbacKeys.CLUSTER_ROLE_BINDINGS, binding, "subjects", BootstrapPolicy::sameSubject);
        }
    }

    private static boolean sameRule(JsonNode a, JsonNode b) {
        return PolicyRule.of(a).equals(PolicyRule.of(b));
    }

    private static boolean sameSubject(JsonNode a, JsonNode b) {
        return a.path("kind").asText().equals(b.path("kind").asText())
                && a.path("name").asText().equals(b.path("name").asText())
                && a.path("namespace").asText("").equals(b.path("namespace").asText(""));
    }

    private static void createOrExtend(ResourceClient client, io.karst.api.client.ResourceKey key,
            ObjectNode object, String listField, java.util.function.BiPredicate<JsonNode, JsonNode> same) {
        var resource = client.resource(key);
        String name = object.path("metadata").path("name").asText();
        var existing = resource.find(name);
        if (existing.isPresent()) {
            ObjectNode current = existing.get();
            boolean autoupdate = "true".equals(current.path("metadata").path("annotations").path(AUTOUPDATE)
                    .asText(""));
            // an aggregated role's rules belong to the aggregation, not to this list
            if (!autoupdate || current.has("aggregationRule")) {
                return;
            }
            ArrayNode merged = current.path(listField).isArray() ? ((ArrayNode) current.get(listField)).deepCopy()
                    : JsonNodeFactory.instance.arrayNode();
            boolean changed = false;
            for (JsonNode wanted : object.path(listField)) {
                boolean present = false;
                for (JsonNode have : merged) {
                    present |= same.test(have, wanted);
                }
                if (!present) {
                    merged.add(wanted.deepCopy());
                    changed = true;
                }
            }
            if (changed) {
                ObjectNode patch = JsonNodeFactory.instance.objectNode();
                patch.set(listField, merged);
                resource.patch(name, io.karst.api.client.PatchTypes.MERGE_PATCH, patch);
            }
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
