package io.karst.api.security;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Join tokens: the server token in K3s's secure form {@code K10<sha256 of server CA>::server:<secret>}, and
 * bootstrap tokens {@code <id>.<secret>} ({@code [a-z0-9]{6}.[a-z0-9]{16}}) with a lifetime.
 */
@ProviderType
public interface TokenService {

    /** The full server token, as written to {@code <data-dir>/server/token}. */
    String serverToken();

    /** Creates a bootstrap token and returns it with its full secure form. */
    JoinToken create(Duration ttl, String description, Set<String> usages, List<String> groups);

    /** Bootstrap tokens that have not expired, ordered by id. */
    List<JoinToken> list();

    /**
     * Deletes a bootstrap token.
     *
     * @return whether it existed
     */
    boolean delete(String id);

    /**
     * Replaces the server token's secret. The current token must be presented, as {@code k3s token rotate} asks.
     *
     * @return the new full server token
     * @throws IllegalArgumentException when {@code currentToken} does not match or {@code newSecret} is unusable
     */
    String rotateServerToken(String currentToken, String newSecret);

    /**
     * Checks a presented token in any accepted form (full secure, short {@code <secret>}, or bootstrap
     * {@code <id>.<secret>}).
     *
     * @return who the token speaks for ({@code server} or the bootstrap token id), or empty when it is not valid
     */
    Optional<String> verify(String presented);
}
