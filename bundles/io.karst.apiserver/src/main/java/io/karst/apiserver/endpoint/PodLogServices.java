package io.karst.apiserver.endpoint;

import io.karst.api.node.PodLogs;

/** The {@link PodLogs} services of the nodes, by {@value PodLogs#NODE_NAME}, for {@code pods/log}. */
public final class PodLogServices extends NodeServices<PodLogs> {
}
