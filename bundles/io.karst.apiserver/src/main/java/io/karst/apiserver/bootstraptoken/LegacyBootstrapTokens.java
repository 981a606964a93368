package io.karst.apiserver.bootstraptoken;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceOperations;
import io.karst.api.security.JoinToken;
import io.karst.api.security.TokenService;

/**
 * Moves the bootstrap tokens an earlier Karst kept in {@code server/cred/bootstrap-tokens} to the Secrets that
 * hold them now, so that agents and clients given such a token keep working after the upgrade; the file goes once
 * every token is stored.
 */
public final class LegacyBootstrapTokens {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyBootstrapTokens.class);

    private LegacyBootstrapTokens() {
    }

    /** Moves them; a failure leaves the file for the next start. */
    public static void move(TokenService tokens, ResourceClient client) {
        List<JoinToken> legacy = tokens.legacyBootstrapTokens();
        if (legacy.isEmpty()) {
            tokens.forgetLegacyBootstrapTokens();
            return;
        }
        ResourceOperations secrets = client.resource("", "v1", "secrets").inNamespace(BootstrapTokenSecret.NAMESPACE);
        for (JoinToken token : legacy) {
            try {
                secrets.create(secretOf(token));
            } catch (ResourceException e) {
                if (!e.isAlreadyExists()) {
                    throw e;
                }
            }
        }
        tokens.forgetLegacyBootstrapTokens();
        LOG.info("Moved {} bootstrap token(s) from server/cred/bootstrap-tokens to Secrets in kube-system",
                legacy.size());
    }

    static ObjectNode secretOf(JoinToken token) {
        String full = token.token();
        String idAndSecret = full.substring(full.lastIndexOf("::") + 2);
        String secret = idAndSecret.substring(idAndSecret.indexOf('.') + 1);
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        object.put("apiVersion", "v1");
        object.put("kind", "Secret");
        ObjectNode meta = object.putObject("metadata");
        meta.put("name", BootstrapTokenSecret.NAME_PREFIX + token.id());
        meta.put("namespace", BootstrapTokenSecret.NAMESPACE);
        object.put("type", BootstrapTokenSecret.TYPE);
        ObjectNode data = object.putObject("data");
        put(data, "token-id", token.id());
        put(data, "token-secret", secret);
        if (token.expires() != null) {
            put(data, "expiration",
                    DateTimeFormatter.ISO_INSTANT.format(token.expires().truncatedTo(ChronoUnit.SECONDS)));
        }
        if (!token.description().isEmpty()) {
            put(data, "description", token.description());
        }
        for (String usage : new TreeSet<>(token.usages())) {
            put(data, "usage-bootstrap-" + usage, "true");
        }
        if (!token.groups().isEmpty()) {
            put(data, "auth-extra-groups", String.join(",", token.groups()));
        }
        return object;
    }

    private static void put(ObjectNode data, String key, String value) {
        data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    }
}
