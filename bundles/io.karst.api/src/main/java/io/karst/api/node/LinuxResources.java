package io.karst.api.node;

/**
 * cgroup settings of a container, 0 where unset.
 *
 * @param cpuPeriod CFS period in microseconds
 * @param cpuQuota CFS quota in microseconds per period
 * @param cpuShares relative CPU weight (cgroup v1 shares)
 * @param memoryLimitBytes the memory limit
 */
public record LinuxResources(long cpuPeriod, long cpuQuota, long cpuShares, long memoryLimitBytes) {
}
