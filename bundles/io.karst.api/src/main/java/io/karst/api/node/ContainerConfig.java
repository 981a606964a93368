package io.karst.api.node;

import java.util.List;
import java.util.Map;

/**
 * What a container is created from.
 *
 * @param command replaces the image's entrypoint when not empty
 * @param args replace the image's cmd when not empty
 * @param logPath the log file, relative to the sandbox's log directory
 * @param runAsUser {@code null} for the image's user
 * @param resources {@code null} for no limits
 */
public record ContainerConfig(String name, int attempt, String image, List<String> command, List<String> args,
        String workingDir, List<EnvVar> env, List<Mount> mounts, Map<String, String> labels,
        Map<String, String> annotations, String logPath, boolean stdin, boolean stdinOnce, boolean tty,
        Long runAsUser, Long runAsGroup, boolean privileged, boolean readOnlyRootFilesystem,
        LinuxResources resources) {
    public ContainerConfig {
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = List.copyOf(env);
        mounts = List.copyOf(mounts);
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
