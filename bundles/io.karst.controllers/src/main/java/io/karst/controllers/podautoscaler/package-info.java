/** kube-controller-manager's horizontal pod autoscaler, for Resource and ContainerResource metrics. */
package io.karst.controllers.podautoscaler;
