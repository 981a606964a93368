package io.karst.api.security;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One link of the API server's authentication chain, registered as a whiteboard service. The chain asks each
 * authenticator in service-ranking order; the first that recognises the credentials decides.
 */
@ConsumerType
public interface Authenticator {

    /**
     * @return the user the credentials prove, or empty when this authenticator does not handle their kind
     * @throws AuthenticationException when it handles their kind but they are not valid (bad signature,
     *         unknown CA, expired); the request is then refused with 401
     */
    Optional<UserInfo> authenticate(Credentials credentials) throws AuthenticationException;
}
