/** The EndpointSlice controller: discovery.k8s.io/v1 EndpointSlices for each Service with a selector. */
package io.karst.controllers.endpointslice;
