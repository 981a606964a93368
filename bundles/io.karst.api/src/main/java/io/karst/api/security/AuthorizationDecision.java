package io.karst.api.security;

/**
 * What an {@link Authorizer} says about one request, as upstream's {@code authorizer.Decision} plus its reason.
 *
 * @param outcome allow, deny or no opinion
 * @param reason why, for logs and access reviews; may be empty
 */
public record AuthorizationDecision(Outcome outcome, String reason) {

    /** The three answers upstream's authorizers give. */
    public enum Outcome {
        ALLOW, DENY, NO_OPINION
    }

    public AuthorizationDecision {
        reason = reason == null ? "" : reason;
    }

    public static AuthorizationDecision allow(String reason) {
        return new AuthorizationDecision(Outcome.ALLOW, reason);
    }

    public static AuthorizationDecision deny(String reason) {
        return new AuthorizationDecision(Outcome.DENY, reason);
    }

    public static AuthorizationDecision noOpinion(String reason) {
        return new AuthorizationDecision(Outcome.NO_OPINION, reason);
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOW;
    }
}
