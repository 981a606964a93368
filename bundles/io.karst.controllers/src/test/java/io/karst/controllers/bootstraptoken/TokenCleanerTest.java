package io.karst.controllers.bootstraptoken;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;
import io.karst.controllers.cronjob.MutableClock;

/** The token cleaner against the real resource API, on a clock the test moves. */
class TokenCleanerTest {
    @TempDir
    Path dir;
    InProcessApi api;
    RunningController cleaner;
    MutableClock clock;
    ResourceOperations secrets;
    int pokes;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        secrets = api.client().resource(TokenCleaner.SECRETS).inNamespace("kube-system");
        clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
        cleaner = new RunningController(new TokenCleaner(clock), api.client());
    }

    @AfterEach
    void stop() {
        cleaner.close();
        api.close();
    }

    private void create(String name, String type, String expiration) {
        ObjectNode secret = JsonNodeFactory.instance.objectNode();
        secret.put("apiVersion", "v1").put("kind", "Secret").put("type", type);
        secret.putObject("metadata").put("name", name);
        ObjectNode data = secret.putObject("data");
        data.put("token-id", base64(name.substring(name.length() - 6)));
        if (expiration != null) {
            data.put("expiration", base64(expiration));
        }
        secrets.create(secret);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Moves the clock and has the cleaner look again (a touch instead of waiting for its timer). */
    private void at(String name, Instant time) {
        clock.set(time);
        secrets.patch(name, PatchTypes.MERGE_PATCH, JsonNodeFactory.instance.objectNode().set("metadata",
                JsonNodeFactory.instance.objectNode().set("annotations",
                        JsonNodeFactory.instance.objectNode().put("test/poke", String.valueOf(++pokes)))));
    }

    private boolean gone(String name) {
        return secrets.find(name).isEmpty();
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void anExpiredTokenIsDeletedAndOneThatHasNotExpiredStays() throws Exception {
        create("bootstrap-token-abcdef", TokenCleaner.TYPE, "2026-11-23T13:00:00Z");
        create("bootstrap-token-old000", TokenCleaner.TYPE, "2026-11-23T11:00:00+00:00");

        eventually(() -> gone("bootstrap-token-old000"), "the expired token to go");
        Thread.sleep(300);
        assertTrue(secrets.find("bootstrap-token-abcdef").isPresent());

        at("bootstrap-token-abcdef", Instant.parse("2026-11-23T13:00:01Z"));

        eventually(() -> gone("bootstrap-token-abcdef"), "the token to go once it expired");
    }

    @Test
    void anUnreadableExpirationCountsAsExpiredAndNoExpirationNever() throws Exception {
        create("bootstrap-token-unread", TokenCleaner.TYPE, "next tuesday");
        create("bootstrap-token-foreve", TokenCleaner.TYPE, null);

        eventually(() -> gone("bootstrap-token-unread"), "the unreadable token to go");
        at("bootstrap-token-foreve", Instant.parse("2100-01-01T00:00:00Z"));
        Thread.sleep(300);
        assertTrue(secrets.find("bootstrap-token-foreve").isPresent());
    }

    @Test
    void otherSecretsAndOtherNamespacesAreLeftAlone() throws Exception {
        create("opaque-abcdef", "Opaque", "2000-01-01T00:00:00Z");
        ResourceOperations elsewhere = api.client().resource(TokenCleaner.SECRETS).inNamespace("default");
        ObjectNode secret = JsonNodeFactory.instance.objectNode();
        secret.put("apiVersion", "v1").put("kind", "Secret").put("type", TokenCleaner.TYPE);
        secret.putObject("metadata").put("name", "bootstrap-token-abcdef");
        secret.putObject("data").put("expiration", base64("2000-01-01T00:00:00Z"));
        elsewhere.create(secret);
        create("bootstrap-token-marker", TokenCleaner.TYPE, "2000-01-01T00:00:00Z");

        // the marker's deletion shows the cleaner has looked at what came before it
        eventually(() -> gone("bootstrap-token-marker"), "the expired marker to go");
        assertTrue(secrets.find("opaque-abcdef").isPresent());
        assertTrue(elsewhere.find("bootstrap-token-abcdef").isPresent());
    }
}
