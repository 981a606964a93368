package io.karst.api.security;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The server token in K3s's secure form {@code K10<sha256 of server CA>::server:<secret>}. Bootstrap tokens
 * ({@code <id>.<secret>}) are Secrets in kube-system, served by the API server; this service only hands over the
 * ones an earlier Karst kept in a file.
 */
@ProviderType
public interface TokenService {

    /** The full server token, as written to {@code <data-dir>/server/token}. */
    String serverToken();

    /**
     * Bootstrap tokens an earlier Karst kept in {@code <data-dir>/server/cred/bootstrap-tokens}, before they became
     * Secrets in kube-system; unexpired ones, with their full secure form, so that the API server can move them.
     */
    List<JoinToken> legacyBootstrapTokens();

    /** Removes the file of {@link #legacyBootstrapTokens()} once they have been moved. */
    void forgetLegacyBootstrapTokens();

    /**
     * Replaces the server token's secret. The current token must be presented, as {@code k3s token rotate} asks.
     *
     * @return the new full server token
     * @throws IllegalArgumentException when {@code currentToken} does not match or {@code newSecret} is unusable
     */
    String rotateServerToken(String currentToken, String newSecret);

    /**
     * Checks a presented server token in either accepted form (full secure or the short {@code <secret>}).
     *
     * @return {@code server} when it is the server token, else empty
     */
    Optional<String> verify(String presented);
}
