package io.karst.kubelet.pod;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.karst.api.node.ContainerState;
import io.karst.api.node.ContainerSummary;
import io.karst.api.node.PodSandbox;
import io.karst.api.node.SandboxState;

/** A pod's sandboxes and containers as the runtime lists them, found by the pod uid label. */
record PodRuntime(List<PodSandbox> sandboxes, List<ContainerSummary> containers) {

    static PodRuntime of(String uid, List<PodSandbox> allSandboxes, List<ContainerSummary> allContainers) {
        List<PodSandbox> sandboxes = new ArrayList<>();
        for (PodSandbox s : allSandboxes) {
            if (uid.equals(s.uid()) || uid.equals(s.labels().get(RuntimeLabels.POD_UID))) {
                sandboxes.add(s);
            }
        }
        sandboxes.sort(Comparator.comparing(PodSandbox::attempt).reversed());
        List<ContainerSummary> containers = new ArrayList<>();
        for (ContainerSummary c : allContainers) {
            if (uid.equals(c.labels().get(RuntimeLabels.POD_UID))) {
                containers.add(c);
            }
        }
        return new PodRuntime(sandboxes, containers);
    }

    Optional<PodSandbox> readySandbox() {
        return sandboxes.stream().filter(s -> s.state() == SandboxState.READY).findFirst();
    }

    int nextSandboxAttempt() {
        return sandboxes.isEmpty() ? 0 : sandboxes.get(0).attempt() + 1;
    }

    /** Per container name, its containers newest attempt first (in any sandbox of the pod). */
    Map<String, List<ContainerSummary>> byName() {
        Map<String, List<ContainerSummary>> out = new HashMap<>();
        for (ContainerSummary c : containers) {
            out.computeIfAbsent(c.name(), n -> new ArrayList<>()).add(c);
        }
        out.values().forEach(l -> l.sort(Comparator.comparing(ContainerSummary::attempt).reversed()
                .thenComparing(ContainerSummary::createdAt, Comparator.nullsFirst(Comparator.reverseOrder()))));
        return out;
    }

    boolean anyRunning() {
        return containers.stream().anyMatch(c -> c.state() == ContainerState.RUNNING);
    }
}
