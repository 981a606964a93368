package io.karst.kubelet.command;

import java.util.Comparator;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerSummary;
import io.karst.api.node.Image;
import io.karst.api.node.ImageService;
import io.karst.api.node.PodSandbox;
import io.karst.api.node.RuntimeStatus;
import io.karst.api.node.RuntimeVersion;

/**
 * {@code karst:node}: what runs on this node, read from the container runtime: its version and readiness, each
 * pod's sandbox and containers with their states, and the images present.
 */
@Command(scope = "karst", name = "node",
        description = "This node: runtime version, pods and their containers with states, images")
@Service
public class NodeCommand implements Action {
    static final String POD_NAME = "io.kubernetes.pod.name";
    static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";

    @Reference
    ContainerRuntime runtime;

    @Reference
    ImageService images;

    @Override
    public Object execute() {
        RuntimeVersion version = runtime.version();
        RuntimeStatus status = runtime.status();
        System.out.println("Runtime: " + version.runtimeName() + " " + version.runtimeVersion() + " (CRI "
                + version.runtimeApiVersion() + "), runtime " + (status.runtimeReady() ? "ready" : "NOT ready")
                + ", network " + (status.networkReady() ? "ready" : "NOT ready")
                + (status.message().isEmpty() ? "" : ": " + status.message()));
        System.out.println();

        List<PodSandbox> sandboxes = runtime.listPodSandboxes().stream()
                .sorted(Comparator.comparing((PodSandbox s) -> s.namespace() + "/" + s.name())
                        .thenComparing(PodSandbox::attempt))
                .toList();
        List<ContainerSummary> containers = runtime.listContainers();
        ShellTable pods = new ShellTable();
        pods.column("POD");
        pods.column("SANDBOX");
        pods.column("STATE");
        pods.column("CONTAINER");
        pods.column("ATTEMPT");
        pods.column("CONTAINER STATE");
        pods.column("IMAGE");
        for (PodSandbox s : sandboxes) {
            String pod = s.namespace() + "/" + s.name();
            List<ContainerSummary> inside = containers.stream().filter(c -> c.sandboxId().equals(s.id()))
                    .sorted(Comparator.comparing(ContainerSummary::name).thenComparing(ContainerSummary::attempt))
                    .toList();
            if (inside.isEmpty()) {
                pods.addRow().addContent(pod, shortId(s.id()), s.state(), "", "", "", "");
            }
            for (ContainerSummary c : inside) {
                pods.addRow().addContent(pod, shortId(s.id()), s.state(), c.name(), c.attempt(), c.state(),
                        c.image());
            }
        }
        pods.print(System.out);
        System.out.println();

        ShellTable table = new ShellTable();
        table.column("IMAGE");
        table.column("ID");
        table.column("SIZE");
        table.column("PINNED");
        for (Image image : images.listImages()) {
            String name = image.repoTags().isEmpty() ? String.join(",", image.repoDigests())
                    : String.join(",", image.repoTags());
            table.addRow().addContent(name, shortId(image.id()), megabytes(image.size()), image.pinned() ? "yes" : "no");
        }
        table.print(System.out);
        return null;
    }

    static String shortId(String id) {
        String bare = id.startsWith("sha256:") ? id.substring(7) : id;
        return bare.length() > 13 ? bare.substring(0, 13) : bare;
    }

    static String megabytes(long bytes) {
        return String.format("%.1f MB", bytes / 1_000_000.0);
    }
}
