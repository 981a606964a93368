package io.karst.controllers.bootstraptoken;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.Informer;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;

/**
 * kube-controller-manager's tokencleaner: a bootstrap token Secret ({@code bootstrap.kubernetes.io/token} in
 * kube-system) is deleted once its {@code expiration} has passed, with a uid precondition so a Secret made again
 * under the name is left alone; one whose expiration cannot be read counts as expired, as upstream's. A token that
 * has not expired is looked at again when it does.
 */
@Component(service = Controller.class, property = Controller.NAME + "=tokencleaner")
public final class TokenCleaner implements Controller {
    static final ResourceKey SECRETS = new ResourceKey("", "v1", "secrets");
    static final String NAMESPACE = "kube-system";
    static final String TYPE = "bootstrap.kubernetes.io/token";

    private final Clock clock;
    private volatile ResourceClient client;
    private volatile Informer tokens;

    public TokenCleaner() {
        this(Clock.systemUTC());
    }

    TokenCleaner(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "tokencleaner";
    }

    @Override
    public void start(ControllerContext ctx) {
        client = ctx.client();
        tokens = ctx.informers().informer(SECRETS, NAMESPACE, "", "type=" + TYPE);
        ctx.handle(tokens, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode secret) {
                ctx.queue().add(ObjectKeys.of(secret));
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode secret) {
                ctx.queue().add(ObjectKeys.of(secret));
            }
        });
    }

    @Override
    public ReconcileResult reconcile(String key) {
        Optional<ObjectNode> cached = tokens.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key));
        if (cached.isEmpty() || cached.get().path("metadata").has("deletionTimestamp")) {
            return ReconcileResult.DONE;
        }
        Optional<Duration> left = timeLeft(cached.get());
        if (left.isEmpty()) {
            return ReconcileResult.DONE;
        }
        if (left.get().compareTo(Duration.ZERO) > 0) {
            return ReconcileResult.after(left.get());
        }
        try {
            client.resource(SECRETS).inNamespace(NAMESPACE).delete(ObjectKeys.name(key),
                    DeleteOptions.NONE.withPreconditionUid(cached.get().path("metadata").path("uid").asText()));
        } catch (ResourceException e) {
            if (!e.isNotFound() && !e.isConflict()) {
                throw e;
            }
        }
        return ReconcileResult.DONE;
    }

    /** How long the token has left; zero or less once expired; empty for a token that never expires. */
    Optional<Duration> timeLeft(JsonNode secret) {
        JsonNode value = secret.path("data").get("expiration");
        if (value == null || !value.isTextual()) {
            return Optional.empty();
        }
        try {
            String expiration = new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8);
            if (expiration.isEmpty()) {
                return Optional.empty();
            }
            Instant expires = OffsetDateTime.parse(expiration).toInstant();
            return Optional.of(Duration.between(clock.instant(), expires));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.of(Duration.ZERO);
        }
    }
}
