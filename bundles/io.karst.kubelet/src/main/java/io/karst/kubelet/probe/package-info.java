/** Liveness, readiness and startup probes (exec, HTTP, TCP, gRPC), each run on its period by a probe worker. */
package io.karst.kubelet.probe;
