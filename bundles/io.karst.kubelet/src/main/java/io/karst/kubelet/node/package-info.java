/** This node's Node object: registration, status and the heartbeat Lease. */
package io.karst.kubelet.node;
