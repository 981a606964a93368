/** Node-pressure eviction: upstream's kubelet eviction manager, its thresholds, signals and pod ranking. */
package io.karst.kubelet.eviction;
