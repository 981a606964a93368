package io.karst.apiserver.endpoint;

import io.karst.api.node.PodStreams;

/**
 * The {@link PodStreams} services of the nodes, by {@value PodStreams#NODE_NAME}, for {@code pods/exec},
 * {@code pods/attach} and {@code pods/portforward}.
 */
public final class PodStreamServices extends NodeServices<PodStreams> {
}
