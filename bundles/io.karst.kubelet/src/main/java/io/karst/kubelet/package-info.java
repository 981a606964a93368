/** The kubelet: the Node, its Lease, and the pods bound to it, run through {@link io.karst.api.node.ContainerRuntime}. */
package io.karst.kubelet;
