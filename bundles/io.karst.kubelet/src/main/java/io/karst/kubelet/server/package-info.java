/** The kubelet's HTTP API (stats, metrics, pods, health), served through the service registry, not a port. */
package io.karst.kubelet.server;
