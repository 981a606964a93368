/** Exec, attach and port forwarding: a pod's container or sandbox resolved to the runtime's streaming URL. */
package io.karst.kubelet.streams;
