package io.karst.apiserver.authorization;

import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The objects a pod uses, the edges of upstream's node graph: Secrets and ConfigMaps from volumes (projected
 * ones too), env, envFrom and imagePullSecrets; PersistentVolumeClaims from volumes and generic ephemeral volumes;
 * its ServiceAccount.
 */
final class PodReferences {
    private PodReferences() {
    }

    static Set<String> secrets(JsonNode pod) {
        Set<String> names = new HashSet<>();
        JsonNode spec = pod.path("spec");
        for (JsonNode s : spec.path("imagePullSecrets")) {
            names.add(s.path("name").asText());
        }
        for (JsonNode v : spec.path("volumes")) {
            addText(names, v.path("secret").path("secretName"));
            for (JsonNode source : v.path("projected").path("sources")) {
                addText(names, source.path("secret").path("name"));
            }
            for (String plugin : new String[] {"azureFile", "cephfs", "cinder", "flexVolume", "iscsi", "rbd",
                    "scaleIO", "storageos", "csi"}) {
                addText(names, v.path(plugin).path("secretRef").path("name"));
                addText(names, v.path(plugin).path("nodePublishSecretRef").path("name"));
            }
            addText(names, v.path("azureFile").path("secretName"));
        }
        forEachContainer(spec, c -> {
            for (JsonNode e : c.path("envFrom")) {
                addText(names, e.path("secretRef").path("name"));
            }
            for (JsonNode e : c.path("env")) {
                addText(names, e.path("valueFrom").path("secretKeyRef").path("name"));
            }
        });
        names.remove("");
        return names;
    }

    static Set<String> configMaps(JsonNode pod) {
        Set<String> names = new HashSet<>();
        JsonNode spec = pod.path("spec");
        for (JsonNode v : spec.path("volumes")) {
            addText(names, v.path("configMap").path("name"));
            for (JsonNode source : v.path("projected").path("sources")) {
                addText(names, source.path("configMap").path("name"));
            }
        }
        forEachContainer(spec, c -> {
            for (JsonNode e : c.path("envFrom")) {
                addText(names, e.path("configMapRef").path("name"));
            }
            for (JsonNode e : c.path("env")) {
                addText(names, e.path("valueFrom").path("configMapKeyRef").path("name"));
            }
        });
        names.remove("");
        return names;
    }

    static Set<String> claims(JsonNode pod) {
        Set<String> names = new HashSet<>();
        for (JsonNode v : pod.path("spec").path("volumes")) {
            addText(names, v.path("persistentVolumeClaim").path("claimName"));
            if (v.has("ephemeral")) {
                // a generic ephemeral volume's claim is named <pod>-<volume>
                names.add(pod.path("metadata").path("name").asText() + "-" + v.path("name").asText());
            }
        }
        names.remove("");
        return names;
    }

    static String serviceAccount(JsonNode pod) {
        String sa = pod.path("spec").path("serviceAccountName").asText("");
        return sa.isEmpty() ? "default" : sa;
    }

    private static void forEachContainer(JsonNode spec, java.util.function.Consumer<JsonNode> action) {
        for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            for (JsonNode c : spec.path(list)) {
                action.accept(c);
            }
        }
    }

    private static void addText(Set<String> names, JsonNode value) {
        if (value.isTextual()) {
            names.add(value.asText());
        }
    }
}
