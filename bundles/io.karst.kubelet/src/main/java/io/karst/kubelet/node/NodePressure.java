package io.karst.kubelet.node;

/**
 * The pressure conditions the Node reports, as the eviction manager decides them from its thresholds (upstream's
 * node status setters ask its IsUnderMemoryPressure and the like).
 */
public interface NodePressure {
    /** No pressure at all: a kubelet without eviction thresholds. */
    NodePressure NONE = new NodePressure() {
        @Override
        public boolean memoryPressure() {
            return false;
        }

        @Override
        public boolean diskPressure() {
            return false;
        }

        @Override
        public boolean pidPressure() {
            return false;
        }
    };

    boolean memoryPressure();

    boolean diskPressure();

    boolean pidPressure();
}
