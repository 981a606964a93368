package io.karst.api.node;

/** A host port forwarded to a pod's port; protocol {@code TCP}, {@code UDP} or {@code SCTP}. */
public record PortMapping(String protocol, int containerPort, int hostPort, String hostIp) {
}
