package io.karst.pki;

import java.util.List;
import java.util.Optional;

import io.karst.api.security.JoinToken;
import io.karst.api.security.TokenService;

/** The server token, and the bootstrap tokens an earlier Karst kept in a file, behind one {@link TokenService}. */
public final class JoinTokens implements TokenService {
    /** Who a valid server token speaks for. */
    public static final String SERVER = "server";

    private final String caHash;
    private final ServerTokenStore server;
    private final LegacyBootstrapTokenFile legacy;

    public JoinTokens(String caHash, ServerTokenStore server, LegacyBootstrapTokenFile legacy) {
        this.caHash = caHash;
        this.server = server;
        this.legacy = legacy;
    }

    @Override
    public String serverToken() {
        return server.token();
    }

    @Override
    public List<JoinToken> legacyBootstrapTokens() {
        return legacy.active().stream()
                .map(t -> t.toJoinToken(TokenFormat.bootstrapToken(caHash, t.id(), t.secret())))
                .toList();
    }

    @Override
    public void forgetLegacyBootstrapTokens() {
        legacy.forget();
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
        return server.matches(token) ? Optional.of(SERVER) : Optional.empty();
    }
}
