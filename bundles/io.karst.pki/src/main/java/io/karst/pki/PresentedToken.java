package io.karst.pki;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token as someone presented or configured it, split into its optional CA hash and its credentials, which are
 * {@code server:<secret>}, a bootstrap {@code <id>.<secret>}, or a bare secret.
 *
 * @param caHash the hash of the secure form, when the token had one
 * @param credentials what follows {@code ::}, or the whole token
 */
public record PresentedToken(Optional<String> caHash, String credentials) {
    private static final Pattern BOOTSTRAP = Pattern.compile("([a-z0-9]{6})\\.([a-z0-9]{16})");

    /** Splits a token; never fails, since an unusable token simply matches nothing. */
    public static PresentedToken parse(String token) {
        String text = token.strip();
        int separator = text.indexOf("::");
        if (text.startsWith(TokenFormat.PREFIX) && separator > 0) {
            return new PresentedToken(Optional.of(text.substring(TokenFormat.PREFIX.length(), separator)),
                    text.substring(separator + 2));
        }
        return new PresentedToken(Optional.empty(), text);
    }

    /** The server secret, from {@code server:<secret>} or a bare secret; empty for other users' credentials. */
    public Optional<String> serverSecret() {
        String userPrefix = TokenFormat.SERVER_USER + ":";
        if (credentials.startsWith(userPrefix)) {
            String secret = credentials.substring(userPrefix.length());
            return secret.isEmpty() ? Optional.empty() : Optional.of(secret);
        }
        if (credentials.isEmpty() || credentials.contains(":")) {
            return Optional.empty();
        }
        return Optional.of(credentials);
    }

    /** The bootstrap token id and secret, when the credentials have that shape. */
    public Optional<Bootstrap> bootstrap() {
        Matcher matcher = BOOTSTRAP.matcher(credentials);
        return matcher.matches() ? Optional.of(new Bootstrap(matcher.group(1), matcher.group(2))) : Optional.empty();
    }

    /** The two halves of bootstrap token credentials. */
    public record Bootstrap(String id, String secret) {
    }
}
