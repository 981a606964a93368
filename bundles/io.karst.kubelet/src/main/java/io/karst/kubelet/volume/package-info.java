/** Pod volumes on this node: emptyDir, hostPath, configMap, secret, downwardAPI, projected and claims on local PVs. */
package io.karst.kubelet.volume;
