package io.karst.pki;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.karst.api.security.JoinToken;
import io.karst.api.security.TokenService;

/** The server token and the bootstrap tokens behind one {@link TokenService}. */
public final class JoinTokens implements TokenService {
    /** Who a valid server token speaks for. */
    public static final String SERVER = "server";
    // Kubernetes' bootstrap authenticator only accepts tokens marked for authentication.
    private static final String AUTHENTICATION_USAGE = "authentication";

    private final String caHash;
    private final ServerTokenStore server;
    private final BootstrapTokenStore bootstrap;

    public JoinTokens(String caHash, ServerTokenStore server, BootstrapTokenStore bootstrap) {
        this.caHash = caHash;
        this.server = server;
        this.bootstrap = bootstrap;
    }

    @Override
    public String serverToken() {
        return server.token();
    }

    @Override
    public JoinToken create(Duration ttl, String description, Set<String> usages, List<String> groups) {
        BootstrapToken token = bootstrap.create(ttl, description, usages, groups);
        return token.toJoinToken(TokenFormat.bootstrapToken(caHash, token.id(), token.secret()));
    }

    @Override
    public List<JoinToken> list() {
        return bootstrap.active().stream().map(t -> t.toJoinToken("")).toList();
    }

    @Override
    public boolean delete(String id) {
        return bootstrap.delete(id);
    }

    @Override
    public String rotateServerToken(String currentToken, String newSecret) {
        return server.rotate(currentToken, newSecret);
    }

    @Override
    public Optional<String> verify(String presented) {
        if (presented == null || presented.isBlank()) {
            return Optional.empty();
        }
        PresentedToken token = PresentedToken.parse(presented);
        if (token.caHash().isPresent() && !TokenFormat.sameSecret(token.caHash().get(), caHash)) {
            return Optional.empty();
        }
        Optional<String> bootstrapId = token.bootstrap()
                .flatMap(b -> bootstrap.find(b.id())
                        .filter(t -> t.usages().contains(AUTHENTICATION_USAGE))
                        .filter(t -> TokenFormat.sameSecret(t.secret(), b.secret()))
                        .map(BootstrapToken::id));
        if (bootstrapId.isPresent()) {
            return bootstrapId;
        }
        // A server secret may look like a bootstrap token, so it is still checked when no bootstrap token matched.
        return server.matches(token) ? Optional.of(SERVER) : Optional.empty();
    }
}
