package io.karst.apiserver.bootstraptoken;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Bootstrap token Secrets as kubeadm and {@code karst token create} write them, for tests. */
public final class BootstrapTokenSecrets {
    private BootstrapTokenSecrets() {
    }

    /**
     * @param expires null for never
     * @param forAuthentication whether {@code usage-bootstrap-authentication} is "true" (else only signing)
     */
    public static ObjectNode secret(String id, String secret, Instant expires, boolean forAuthentication) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        object.put("apiVersion", "v1");
        object.put("kind", "Secret");
        object.putObject("metadata").put("name", "bootstrap-token-" + id).put("namespace", "kube-system");
        object.put("type", "bootstrap.kubernetes.io/token");
        ObjectNode data = object.putObject("data");
        put(data, "token-id", id);
        put(data, "token-secret", secret);
        if (expires != null) {
            put(data, "expiration", expires.toString());
        }
        put(data, "usage-bootstrap-signing", "true");
        if (forAuthentication) {
            put(data, "usage-bootstrap-authentication", "true");
        }
        return object;
    }

    /** Sets one data key (plain text in, base64 stored). */
    public static ObjectNode put(ObjectNode data, String key, String value) {
        return data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    }
}
