package io.karst.api.node;

import java.time.Instant;

/**
 * The filesystem a node's images are stored on (CRI ImageFsInfo), with its size as the filesystem reports it at its
 * mountpoint (statfs), which image garbage collection compares with its thresholds.
 *
 * @param mountpoint where the runtime keeps image data (containerd: its snapshotter's directory)
 * @param usedBytes bytes the runtime's images take there (not the filesystem's other contents)
 * @param capacityBytes the filesystem's size
 * @param availableBytes what an unprivileged writer could still write there
 * @param timestamp when the runtime measured {@code usedBytes}
 * @since 1.1
 */
public record ImageFsInfo(String mountpoint, long usedBytes, long capacityBytes, long availableBytes,
        Instant timestamp) {
}
