package io.karst.api.node;

/** The outcome of {@link ContainerRuntime#execSync}. */
public record ExecResult(int exitCode, byte[] stdout, byte[] stderr) {
}
