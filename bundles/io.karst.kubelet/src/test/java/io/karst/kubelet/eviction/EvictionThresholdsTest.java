package io.karst.kubelet.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@code eviction.hard} as upstream's --eviction-hard reads it: quantities, percentages, and what it refuses. */
class EvictionThresholdsTest {

    @Test
    void theDefaultsAreUpstreamsLinuxOnes() {
        assertEquals(List.of(new Threshold(Signal.MEMORY_AVAILABLE, 100L * 1024 * 1024, 0),
                new Threshold(Signal.NODEFS_AVAILABLE, -1, 0.10), new Threshold(Signal.NODEFS_INODES_FREE, -1, 0.05),
                new Threshold(Signal.IMAGEFS_AVAILABLE, -1, 0.15)), EvictionThresholds.DEFAULT.thresholds());
        assertEquals("memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%,imagefs.available<15%",
                EvictionThresholds.DEFAULT.toString());
    }

    @Test
    void quantitiesAndPercentagesAreRead() {
        EvictionThresholds t = EvictionThresholds.parse(" memory.available<1.5Gi, pid.available<1k,"
                + "imagefs.available<12.5% ");
        assertEquals(List.of(new Threshold(Signal.MEMORY_AVAILABLE, 1536L * 1024 * 1024, 0),
                new Threshold(Signal.PID_AVAILABLE, 1000, 0), new Threshold(Signal.IMAGEFS_AVAILABLE, -1, 0.125)),
                t.thresholds());
        assertEquals(25, t.thresholds().get(2).minimum(200));
        assertTrue(t.thresholds().get(0).crossedBy(new Observation(1024L * 1024 * 1024, 8L << 30)));
    }

    @Test
    void zeroAndHundredPercentTurnASignalOffAndBlankTurnsEvictionOff() {
        assertEquals(List.of(), EvictionThresholds.parse("nodefs.available<0%,imagefs.available<100%").thresholds());
        assertEquals(List.of(), EvictionThresholds.parse("").thresholds());
    }

    @Test
    void badStatementsAreRefusedSayingWhy() {
        assertRefused("memory.available>100Mi", "expected signal<value");
        assertRefused("memory.available", "expected signal<value");
        assertRefused("memory.available<", "expected signal<value");
        assertRefused("swap.available<1Gi", "unsupported eviction signal swap.available");
        assertRefused("memory.available<lots", "neither a quantity nor a percentage");
        assertRefused("memory.available<0", "must be positive");
        assertRefused("memory.available<-5Mi", "must be positive");
        assertRefused("nodefs.available<120%", "must be <= 100%");
        assertRefused("nodefs.available<-1%", "must be >= 0%");
        assertRefused("nodefs.available<x%", "invalid eviction percentage threshold");
        assertRefused("memory.available<1Gi,memory.available<2Gi", "duplicate eviction threshold");
    }

    private static void assertRefused(String text, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvictionThresholds.parse(text));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
