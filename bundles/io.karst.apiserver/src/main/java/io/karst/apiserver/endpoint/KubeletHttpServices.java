package io.karst.apiserver.endpoint;

import io.karst.api.node.KubeletHttp;

/** The {@link KubeletHttp} services of the nodes, by {@value KubeletHttp#NODE_NAME}, for {@code nodes/proxy}. */
public final class KubeletHttpServices extends NodeServices<KubeletHttp> {
}
