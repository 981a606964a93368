package io.karst.api.security;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One link of the API server's authorization chain, registered as a whiteboard service, as kube-apiserver's
 * {@code authorizer.Authorizer}. The chain asks each authorizer in service-ranking order; the first that allows or
 * denies decides, and a request no authorizer allows is refused with 403.
 */
@ConsumerType
public interface Authorizer {

    /** @return allow, deny, or no opinion (leave the decision to the next authorizer), with the reason */
    AuthorizationDecision authorize(AuthorizationAttributes attributes);
}
