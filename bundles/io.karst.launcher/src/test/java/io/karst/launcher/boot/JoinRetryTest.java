package io.karst.launcher.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.karst.launcher.boot.JoinVerifier.JoinException;

class JoinRetryTest {
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    private final List<Duration> slept = new ArrayList<>();

    @Test
    void anUnreachableServerIsTriedAgainWithGrowingWaitsUntilItAnswers() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        String joined = JoinRetry.until(() -> {
            if (attempts.incrementAndGet() < 7) {
                throw new JoinException("cannot reach https://s:6443/cacerts: Connection refused", true);
            }
            return "joined";
        }, err, "karst agent", slept::add);
        assertEquals("joined", joined);
        assertEquals(List.of(2L, 4L, 8L, 16L, 30L, 30L), slept.stream().map(Duration::toSeconds).toList());
        String said = errBytes.toString(StandardCharsets.UTF_8);
        assertTrue(said.startsWith("karst agent: cannot reach https://s:6443/cacerts: Connection refused; trying "
                + "again in 2 s\n"), said);
    }

    @Test
    void aRefusalEndsTheJoinAtOnce() {
        JoinException refused = assertThrows(JoinException.class, () -> JoinRetry.until(() -> {
            throw new JoinException("https://s:6443 refused to join this node (401): the join token is not valid");
        }, err, "karst agent", slept::add));
        assertTrue(refused.getMessage().contains("(401)"));
        assertTrue(slept.isEmpty());
        assertEquals("", errBytes.toString(StandardCharsets.UTF_8));
    }
}
