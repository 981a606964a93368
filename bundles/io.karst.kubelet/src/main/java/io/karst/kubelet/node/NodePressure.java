package io.karst.kubelet.node;

/**
 * The pressure conditions the Node reports, as the eviction manager decides them from its thresholds (upstream's
 * node status setters ask its IsUnderMemoryPressure and the like).
 */
public interface NodePressure {
    boolean memoryPressure();

    boolean diskPressure();

    boolean pidPressure();
}
