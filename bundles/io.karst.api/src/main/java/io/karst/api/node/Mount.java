package io.karst.api.node;

/** A host path bind-mounted into a container. */
public record Mount(String containerPath, String hostPath, boolean readOnly) {
}
