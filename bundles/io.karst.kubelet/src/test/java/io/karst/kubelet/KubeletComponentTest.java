package io.karst.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.karst.kubelet.eviction.EvictionThresholds;

/** What the component makes of its configuration before it starts the kubelet. */
class KubeletComponentTest {

    @Test
    void anUnreadableEvictionHardStopsTheKubeletSayingWhich() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KubeletComponent.evictionHard("memory.available<100Mi,nodefs.available<lots%"));
        assertEquals("Kubelet not started: invalid eviction.hard \"memory.available<100Mi,nodefs.available<lots%\": "
                + "invalid eviction percentage threshold nodefs.available: lots%", e.getMessage());
    }

    @Test
    void theDefaultIsUpstreams() throws Exception {
        String declared = (String) KubeletComponent.Config.class.getMethod("eviction_hard").getDefaultValue();
        assertEquals(EvictionThresholds.DEFAULT, KubeletComponent.evictionHard(declared));
    }
}
