package io.karst.kubelet.eviction;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerState;
import io.karst.api.node.ContainerSummary;
import io.karst.kubelet.KubeletConfig;
import io.karst.kubelet.stats.Cgroups;
import io.karst.kubelet.stats.DirectoryUsage;

/**
 * A pod's usage from the cgroups of its running containers (the runtime has no stats call yet). Memory is the
 * working set (usage less inactive file pages, as cAdvisor), processes {@code pids.current}, disk the container's
 * log files plus the pod's directory (its local volumes, without memory-backed ones); writable layers
 * are not measured.
 */
public final class CgroupPodUsage implements PodUsage {
    /** upstream's runtime label tying a container to its pod */
    private static final String POD_UID = "io.kubernetes.pod.uid";

    private final ContainerRuntime runtime;
    private final KubeletConfig config;
    private final Cgroups cgroups;

    public CgroupPodUsage(ContainerRuntime runtime, KubeletConfig config) {
        this(runtime, config, new Cgroups());
    }

    CgroupPodUsage(ContainerRuntime runtime, KubeletConfig config, Cgroups cgroups) {
        this.runtime = runtime;
        this.config = config;
        this.cgroups = cgroups;
    }

    @Override
    public Optional<PodStats> of(JsonNode pod) {
        JsonNode meta = pod.path("metadata");
        String uid = meta.path("uid").asText();
        List<ContainerSummary> containers;
        try {
            containers = runtime.listContainers().stream().filter(c -> uid.equals(c.labels().get(POD_UID)))
                    .toList();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        Map<String, Long> memory = new HashMap<>();
        Map<String, Long> disk = new HashMap<>();
        long processes = 0;
        Path logs = config.podLogDir(meta.path("namespace").asText(), meta.path("name").asText(), uid);
        for (ContainerSummary c : containers) {
            disk.merge(c.name(), DirectoryUsage.bytes(logs.resolve(c.name())), Long::sum);
            if (c.state() != ContainerState.RUNNING) {
                continue;
            }
            Cgroups.MemoryUsage used = cgroups.memory(c.id());
            memory.merge(c.name(), used == null ? 0 : used.workingSet(), Long::sum);
            processes += Math.max(0, cgroups.processes(c.id()));
        }
        return Optional.of(new PodStats(memory, disk, DirectoryUsage.bytes(config.podDir(uid)), processes));
    }
}
