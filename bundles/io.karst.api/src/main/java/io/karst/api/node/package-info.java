/**
 * A node's container runtime as the kubelet uses it, shaped after the Kubernetes CRI v1 (runtime and image
 * services): pod sandboxes, containers, images and the pod network's address range. {@code io.karst.cri.containerd}
 * provides it over containerd; the kubelet and the shell commands consume it through the service registry.
 *
 * <p>The kubelet serves the API server per node through {@link io.karst.api.node.PodLogs} (container logs) and
 * {@link io.karst.api.node.PodStreams} (exec, attach and port forwarding: the runtime's streaming URLs), both
 * registered with the node's name in {@code karst.node.name}.
 *
 * <p>1.1: {@link io.karst.api.node.ImageService#imageFsInfo()} (the image filesystem's usage, for image garbage
 * collection); {@code ImageService} is a provider type.
 *
 * <p>1.2: {@link io.karst.api.node.KubeletHttp}, the kubelet's HTTP API ({@code /stats/summary},
 * {@code /metrics/resource}, ...) for {@code nodes/proxy}.
 *
 * <p>Identifiers are the runtime's. Timestamps are {@link java.time.Instant}s, {@code null} when the runtime has
 * none yet. Failures are {@link io.karst.api.node.ContainerRuntimeException}s carrying the runtime's message.
 */
@Export
@Version("1.2.0")
package io.karst.api.node;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
