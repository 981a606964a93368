/** Node lifecycle: unhealthy nodes marked, their taints kept, pods evicted by NoExecute taints. */
package io.karst.controllers.nodelifecycle;
