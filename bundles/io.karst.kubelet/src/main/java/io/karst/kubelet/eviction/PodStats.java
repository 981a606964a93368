package io.karst.kubelet.eviction;

import java.util.Map;

/**
 * What one pod uses, as upstream's summary stats give the eviction manager.
 *
 * @param memory container name → memory working set in bytes
 * @param disk container name → bytes it wrote on the node (writable layer as far as known, and its logs)
 * @param volumeBytes bytes in the pod's local volumes (emptyDir and the like)
 * @param processes the processes (tasks) of its containers
 */
public record PodStats(Map<String, Long> memory, Map<String, Long> disk, long volumeBytes, long processes) {
    public PodStats {
        memory = Map.copyOf(memory);
        disk = Map.copyOf(disk);
    }

    public long memoryBytes() {
        return memory.values().stream().mapToLong(Long::longValue).sum();
    }

    public long diskBytes() {
        return disk.values().stream().mapToLong(Long::longValue).sum() + volumeBytes;
    }
}
