/** kube-controller-manager's node IPAM controller: a pod address range for every Node. */
package io.karst.controllers.nodeipam;
