package io.karst.kubelet.eviction;

/**
 * Frees disk on the node without evicting pods (upstream's node-level reclaim: unused images), tried before a pod is
 * evicted for a disk signal.
 */
@FunctionalInterface
public interface DiskReclaim {
    /** Nothing to reclaim. */
    DiskReclaim NONE = () -> 0;

    /** Returns the bytes freed. */
    long reclaim();
}
