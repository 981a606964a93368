/** What the Endpoints and EndpointSlice controllers share: which pods a Service publishes, their ports and addresses. */
package io.karst.controllers.endpointutil;
