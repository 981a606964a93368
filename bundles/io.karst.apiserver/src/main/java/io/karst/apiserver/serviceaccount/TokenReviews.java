package io.karst.apiserver.serviceaccount;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.AuthenticationException;
import io.karst.apiserver.bootstraptoken.BootstrapTokenAuthenticator;
import io.karst.apiserver.status.ApiException;

/**
 * {@code authentication.k8s.io/v1} TokenReview, as upstream's tokenreview REST storage: create only, never
 * stored; the token of the spec is checked as a bearer token of a request would be, for the spec's audiences (this
 * server's API audiences when it names none), and the review comes back with {@code authenticated}, the user and
 * the audiences the token was accepted for, or the error that refused it. Webhooks and kube-rbac-proxy style
 * delegating authenticators send these.
 */
public final class TokenReviews {
    private static final String GROUP = "authentication.k8s.io";
    /** What upstream's bearer-token authenticator says of a token no authenticator recognises. */
    static final String INVALID_TOKEN = "invalid bearer token";

    private final ServiceAccountAuthenticator authenticator;
    private final BootstrapTokenAuthenticator bootstrapTokens;
    private final List<String> apiAudiences;

    /** @param bootstrapTokens the bootstrap token authenticator, asked for what is no service-account token */
    public TokenReviews(ServiceAccountAuthenticator authenticator, BootstrapTokenAuthenticator bootstrapTokens,
            List<String> apiAudiences) {
        this.authenticator = authenticator;
        this.bootstrapTokens = bootstrapTokens;
        this.apiAudiences = List.copyOf(apiAudiences);
    }

    public static boolean handles(String group, String plural) {
        return group.equals(GROUP) && plural.equals("tokenreviews");
    }

    /** The review with its status, for a POST of {@code body}. */
    public ObjectNode answer(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        ObjectNode review = ((ObjectNode) body).deepCopy();
        review.put("apiVersion", GROUP + "/v1");
        review.put("kind", "TokenReview");
        ObjectNode meta = review.with("metadata");
        if (!meta.has("creationTimestamp")) {
            meta.putNull("creationTimestamp");
        }
        String token = review.path("spec").path("token").asText("");
        if (token.isEmpty()) {
            throw ApiException.badRequest("token is required for TokenReview in authentication");
        }
        List<String> audiences = new ArrayList<>();
        review.path("spec").path("audiences").forEach(a -> audiences.add(a.asText()));
        if (audiences.isEmpty()) {
            audiences.addAll(apiAudiences);
        }
        Optional<ServiceAccountAuthenticator.Authenticated> found;
        String error = null;
        try {
            found = authenticator.authenticate(token, audiences);
            if (found.isEmpty()) {
                found = bootstrapToken(token, audiences);
            }
            if (found.isEmpty()) {
                error = INVALID_TOKEN;
            }
        } catch (AuthenticationException e) {
            found = Optional.empty();
            error = e.getMessage();
        }
        ObjectNode status = review.putObject("status");
        if (found.isPresent()) {
            status.put("authenticated", true);
        }
        ObjectNode user = status.putObject("user");
        if (found.isPresent()) {
            user.put("username", found.get().user().name());
            if (!found.get().user().uid().isEmpty()) {
                user.put("uid", found.get().user().uid());
            }
            found.get().user().groups().forEach(user.withArray("groups")::add);
            if (!found.get().user().extra().isEmpty()) {
                ObjectNode extra = user.putObject("extra");
                found.get().user().extra().forEach((k, values) -> values.forEach(extra.withArray(k)::add));
            }
            found.get().audiences().forEach(status.withArray("audiences")::add);
        } else {
            status.put("error", error);
        }
        return review;
    }

    /**
     * Bootstrap tokens carry no audience: as upstream's wrapper of such authenticators, they count only for a
     * review that asks for one of the API's own audiences, and are accepted for those.
     */
    private Optional<ServiceAccountAuthenticator.Authenticated> bootstrapToken(String token, List<String> audiences)
            throws AuthenticationException {
        List<String> accepted = audiences.stream().filter(apiAudiences::contains).distinct().toList();
        if (accepted.isEmpty()) {
            return Optional.empty();
        }
        return bootstrapTokens.authenticate(token)
                .map(user -> new ServiceAccountAuthenticator.Authenticated(user, accepted));
    }
}
