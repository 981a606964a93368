/**
 * What the node's pods and machine use: cgroups of containers and sandboxes, {@code /proc}, directories on disk,
 * CPU rates from periodic readings; {@code /stats/summary} and {@code /metrics/resource} are made from them.
 */
package io.karst.kubelet.stats;
