/** The EndpointSlice mirroring controller: EndpointSlices for the user-managed Endpoints of Services without selector. */
package io.karst.controllers.endpointslicemirroring;
