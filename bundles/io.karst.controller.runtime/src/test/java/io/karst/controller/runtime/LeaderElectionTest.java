package io.karst.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.testing.InProcessApi;

class LeaderElectionTest {
    @TempDir
    Path dir;
    InProcessApi api;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static final class Counting implements LeaderElection.Callbacks {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger stopped = new AtomicInteger();

        @Override
        public void startedLeading() {
            started.incrementAndGet();
        }

        @Override
        public void stoppedLeading() {
            stopped.incrementAndGet();
        }
    }

    private LeaderElection election(String identity, Duration leaseDuration, Counting callbacks) {
        return new LeaderElection(api.client(), "kube-system", "kube-controller-manager", identity, leaseDuration,
                Duration.ofMillis(300), Clock.systemUTC(), callbacks);
    }

    private ObjectNode lease() {
        return api.client().resource(LeaderElection.LEASES).inNamespace("kube-system").get("kube-controller-manager");
    }

    @Test
    void theFirstCandidateLeadsAndTheSecondWaitsWhileTheLeaseIsRenewed() {
        Counting a = new Counting();
        Counting b = new Counting();
        LeaderElection first = election("a", Duration.ofSeconds(15), a);
        LeaderElection second = election("b", Duration.ofSeconds(15), b);
        first.tick();
        second.tick();
        first.tick();
        second.tick();
        assertTrue(first.leading());
        assertFalse(second.leading());
        assertEquals(1, a.started.get());
        assertEquals(0, b.started.get());
        assertEquals("a", second.holder());
        ObjectNode spec = (ObjectNode) lease().get("spec");
        assertEquals("a", spec.path("holderIdentity").asText());
        assertEquals(15, spec.path("leaseDurationSeconds").asInt());
        assertTrue(spec.path("renewTime").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"));
    }

    @Test
    void aLeaseNotRenewedForItsDurationIsTakenOverAndCountedAsATransition() throws Exception {
        Counting a = new Counting();
        Counting b = new Counting();
        LeaderElection first = election("a", Duration.ofSeconds(1), a);
        LeaderElection second = election("b", Duration.ofSeconds(1), b);
        first.tick();
        second.tick();
        assertFalse(second.leading());
        Thread.sleep(1200); // "a" went silent
        second.tick();
        assertTrue(second.leading());
        assertEquals(1, lease().path("spec").path("leaseTransitions").asInt());
        // the old leader notices on its next attempt and, past its renew deadline, stops leading
        Thread.sleep(400);
        first.tick();
        assertFalse(first.leading());
        assertEquals(1, a.stopped.get());
    }

    @Test
    void aReleasedLeaseIsTakenOverWithoutWaitingForItsDuration() throws Exception {
        LeaderElection first = election("a", Duration.ofSeconds(15), new Counting());
        Counting b = new Counting();
        LeaderElection second = election("b", Duration.ofSeconds(15), b);
        first.tick();
        second.tick();
        first.release();
        assertEquals("", lease().path("spec").path("holderIdentity").asText());
        second.tick();
        assertTrue(second.leading());
        assertEquals(1, b.started.get());
    }
}
