/** Container logs: the CRI log files the runtime writes, read for the API server's {@code pods/log}. */
package io.karst.kubelet.logs;
