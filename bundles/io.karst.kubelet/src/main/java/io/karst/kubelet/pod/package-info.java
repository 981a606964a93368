/** Pod workers: each pod bound to this node brought to its spec through the container runtime, and its status. */
package io.karst.kubelet.pod;
