package io.karst.kubelet.pod;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceKey;
import io.karst.api.node.EnvVar;
import io.karst.kubelet.volume.DownwardApi;

/**
 * A container's environment as upstream's kubelet builds it: the Docker-link style variables of the Services (the
 * {@code kubernetes} Service always, the pod's namespace's when {@code enableServiceLinks}), then {@code envFrom},
 * then {@code env} with {@code $(VAR)} references expanded and {@code valueFrom} resolved.
 */
final class Environment {
    static final ResourceKey SERVICES = new ResourceKey("", "v1", "services");
    static final ResourceKey CONFIG_MAPS = new ResourceKey("", "v1", "configmaps");
    static final ResourceKey SECRETS = new ResourceKey("", "v1", "secrets");

    private final ResourceClient client;

    Environment(ResourceClient client) {
        this.client = client;
    }

    List<EnvVar> of(JsonNode pod, JsonNode container, JsonNode allocatable) throws ContainerConfigException {
        String namespace = pod.path("metadata").path("namespace").asText();
        Map<String, String> env = new LinkedHashMap<>();
        try {
            serviceVariables(namespace, pod.path("spec").path("enableServiceLinks").asBoolean(true), env);
        } catch (RuntimeException e) {
            // upstream starts static pods without the Services it cannot list: they must run with the API away
            if (!StaticPods.isStatic(pod)) {
                throw e;
            }
        }
        for (JsonNode from : container.path("envFrom")) {
            String prefix = from.path("prefix").asText("");
            if (from.has("configMapRef")) {
                Optional<ObjectNode> cm = find(CONFIG_MAPS, namespace, from.path("configMapRef"), "configmap");
                cm.ifPresent(c -> c.path("data").fields().forEachRemaining(e ->
                        env.put(prefix + e.getKey(), e.getValue().asText())));
            } else if (from.has("secretRef")) {
                Optional<ObjectNode> secret = find(SECRETS, namespace, from.path("secretRef"), "secret");
                secret.ifPresent(s -> s.path("data").fields().forEachRemaining(e ->
                        env.put(prefix + e.getKey(), decode(e.getValue().asText()))));
            }
        }
        for (JsonNode var : container.path("env")) {
            String name = var.path("name").asText();
            if (var.has("valueFrom")) {
                String value = valueFrom(pod, container, namespace, name, var.path("valueFrom"), allocatable);
                if (value != null) {
                    env.put(name, value);
                }
            } else {
                env.put(name, expand(var.path("value").asText(""), env));
            }
        }
        List<EnvVar> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(new EnvVar(k, v)));
        return out;
    }

    private String valueFrom(JsonNode pod, JsonNode container, String namespace, String name, JsonNode from,
            JsonNode allocatable) throws ContainerConfigException {
        try {
            if (from.has("fieldRef")) {
                return DownwardApi.field(pod, from.path("fieldRef").path("fieldPath").asText());
            }
            if (from.has("resourceFieldRef")) {
                JsonNode ref = from.path("resourceFieldRef");
                String target = ref.path("containerName").asText(container.path("name").asText());
                return DownwardApi.resource(pod, target.isEmpty() ? container.path("name").asText() : target,
                        ref.path("resource").asText(), ref.path("divisor").asText(""), allocatable);
            }
        } catch (IllegalArgumentException e) {
            throw new ContainerConfigException("env " + name + ": " + e.getMessage());
        }
        JsonNode ref = from.has("configMapKeyRef") ? from.path("configMapKeyRef") : from.path("secretKeyRef");
        boolean secret = from.has("secretKeyRef");
        Optional<ObjectNode> object = find(secret ? SECRETS : CONFIG_MAPS, namespace, ref,
                secret ? "secret" : "configmap");
        if (object.isEmpty()) {
            return null;
        }
        String key = ref.path("key").asText();
        JsonNode value = object.get().path("data").path(key);
        if (value.isMissingNode()) {
            if (ref.path("optional").asBoolean(false)) {
                return null;
            }
            throw new ContainerConfigException("couldn't find key " + key + " in " + (secret ? "Secret" : "ConfigMap")
                    + " " + namespace + "/" + ref.path("name").asText());
        }
        return secret ? decode(value.asText()) : value.asText();
    }

    private Optional<ObjectNode> find(ResourceKey key, String namespace, JsonNode ref, String kind)
            throws ContainerConfigException {
        String name = ref.path("name").asText();
        Optional<ObjectNode> object = client.resource(key).inNamespace(namespace).find(name);
        if (object.isEmpty() && !ref.path("optional").asBoolean(false)) {
            throw new ContainerConfigException(kind + " \"" + name + "\" not found");
        }
        return object;
    }

    private void serviceVariables(String namespace, boolean links, Map<String, String> env) {
        List<JsonNode> services = new ArrayList<>();
        client.resource(SERVICES).inNamespace("default").find("kubernetes").ifPresent(services::add);
        if (links) {
            for (JsonNode s : client.resource(SERVICES).inNamespace(namespace).list().items()) {
                if (!(namespace.equals("default") && s.path("metadata").path("name").asText().equals("kubernetes"))) {
                    services.add(s);
                }
            }
        }
        for (JsonNode service : services) {
            String ip = service.path("spec").path("clusterIP").asText("");
            if (ip.isEmpty() || ip.equals("None") || service.path("spec").path("ports").isEmpty()) {
                continue;
            }
            String prefix = service.path("metadata").path("name").asText().toUpperCase(Locale.ROOT).replace('-', '_');
            JsonNode ports = service.path("spec").path("ports");
            JsonNode first = ports.path(0);
            env.put(prefix + "_SERVICE_HOST", ip);
            env.put(prefix + "_SERVICE_PORT", first.path("port").asText());
            for (JsonNode port : ports) {
                if (port.hasNonNull("name") && !port.path("name").asText().isEmpty()) {
                    env.put(prefix + "_SERVICE_PORT_" + port.path("name").asText().toUpperCase(Locale.ROOT)
                            .replace('-', '_'), port.path("port").asText());
                }
            }
            String host = ip.contains(":") ? "[" + ip + "]" : ip;
            env.put(prefix + "_PORT", first.path("protocol").asText("TCP").toLowerCase(Locale.ROOT) + "://" + host
                    + ":" + first.path("port").asText());
            for (JsonNode port : ports) {
                String protocol = port.path("protocol").asText("TCP");
                String base = prefix + "_PORT_" + port.path("port").asText() + "_" + protocol;
                env.put(base, protocol.toLowerCase(Locale.ROOT) + "://" + host + ":" + port.path("port").asText());
                env.put(base + "_PROTO", protocol.toLowerCase(Locale.ROOT));
                env.put(base + "_PORT", port.path("port").asText());
                env.put(base + "_ADDR", ip);
            }
        }
    }

    /** Upstream's expansion: {@code $(NAME)} of a defined variable, {@code $$} escapes, anything else stays. */
    static String expand(String value, Map<String, String> defined) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '$' && i + 1 < value.length()) {
                char next = value.charAt(i + 1);
                if (next == '$') {
                    out.append('$');
                    i++;
                    continue;
                }
                if (next == '(') {
                    int close = value.indexOf(')', i + 2);
                    if (close > 0) {
                        String name = value.substring(i + 2, close);
                        if (defined.containsKey(name)) {
                            out.append(defined.get(name));
                            i = close;
                            continue;
                        }
                    }
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
