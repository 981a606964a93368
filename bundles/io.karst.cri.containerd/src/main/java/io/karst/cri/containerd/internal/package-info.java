/**
 * The containerd provider of the node runtime API: a CRI v1 client over containerd's Unix socket, the supervised
 * containerd child process with its generated configuration, image archive import, and the DS component.
 */
package io.karst.cri.containerd.internal;
