package io.karst.api.security;

/** Credentials of a kind an authenticator handles, but not valid; the message says why. */
public class AuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }
}
