package io.karst.kubelet.eviction;

/** What one signal measured: how much of the resource is left, and how much there is in all (for percentages). */
public record Observation(long available, long capacity) {
}
