/** kube-scheduler as a controller: the scheduling queue, the filter/score cycle and binding. */
package io.karst.scheduler;
