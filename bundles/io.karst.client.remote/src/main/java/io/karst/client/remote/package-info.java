/** The cluster's resource API over HTTPS for an agent node: a {@code ResourceClient} with a client-side load balancer. */
package io.karst.client.remote;
