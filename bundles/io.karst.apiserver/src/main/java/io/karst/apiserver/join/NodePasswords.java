package io.karst.apiserver.join;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceOperations;

/**
 * K3s's node passwords: the first join of a node name records a salted hash of the node's password in the Secret
 * {@code kube-system/<node>.node-password.karst}; later joins of that name must present the same password, so a
 * second machine cannot take over a node's name and certificates by accident or on purpose.
 */
final class NodePasswords {
    static final String NAMESPACE = "kube-system";
    static final String SECRET_SUFFIX = ".node-password.karst";
    static final String SECRET_TYPE = "karst.io/node-password";
    static final String HASH_KEY = "hash";
    /** Create, then re-read on AlreadyExists; a Secret deleted in between sends the loop round again. */
    private static final int ATTEMPTS = 3;

    private final ResourceClient client;
    private final PasswordHash hashes;

    NodePasswords(ResourceClient client, PasswordHash hashes) {
        this.client = client;
        this.hashes = hashes;
    }

    static String secretName(String nodeName) {
        return nodeName + SECRET_SUFFIX;
    }

    /**
     * Records the password of a node seen for the first time, or checks it against the recorded one.
     *
     * @throws JoinFailure 403 when the node joined before with another password
     */
    void verifyOrRecord(String nodeName, String password) throws JoinFailure {
        ResourceOperations secrets = client.resource("", "v1", "secrets").inNamespace(NAMESPACE);
        String name = secretName(nodeName);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<ObjectNode> existing = secrets.find(name);
            if (existing.isPresent()) {
                check(nodeName, password, existing.get());
                return;
            }
            try {
                secrets.create(secret(name, hashes.hash(password)));
                return;
            } catch (ResourceException e) {
                if (!e.isAlreadyExists()) {
                    throw e;
                }
                // another join of the same name won the race: compare with what it recorded
            }
        }
        throw new IllegalStateException("the node password Secret " + NAMESPACE + "/" + name
                + " keeps appearing and disappearing");
    }

    private static void check(String nodeName, String password, ObjectNode secret) throws JoinFailure {
        String name = secretName(nodeName);
        Optional<Boolean> matches = storedHash(secret).flatMap(hash -> PasswordHash.matches(password, hash));
        if (matches.isEmpty()) {
            throw JoinFailure.forbidden("node password rejected for node " + nodeName + ": the Secret " + NAMESPACE
                    + "/" + name + " holds no usable password hash; delete it and join again");
        }
        if (!matches.get()) {
            throw JoinFailure.forbidden("node password rejected for node " + nodeName + ": a node of that name "
                    + "joined with another password; if this is a different machine, rejoin with --with-node-id "
                    + "(or --node-name) so its name is unique; if it is the same machine, restore "
                    + "/etc/karst/node/password or delete the Secret " + NAMESPACE + "/" + name);
        }
    }

    private static Optional<String> storedHash(JsonNode secret) {
        JsonNode value = secret.path("data").path(HASH_KEY);
        if (!value.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static ObjectNode secret(String name, String hash) {
        ObjectNode secret = JsonNodeFactory.instance.objectNode();
        secret.put("apiVersion", "v1");
        secret.put("kind", "Secret");
        ObjectNode metadata = secret.putObject("metadata");
        metadata.put("name", name);
        metadata.put("namespace", NAMESPACE);
        secret.put("type", SECRET_TYPE);
        secret.putObject("data").put(HASH_KEY,
                Base64.getEncoder().encodeToString(hash.getBytes(StandardCharsets.UTF_8)));
        return secret;
    }
}
