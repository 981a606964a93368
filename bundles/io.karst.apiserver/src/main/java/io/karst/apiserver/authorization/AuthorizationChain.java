package io.karst.apiserver.authorization;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.AuthorizationDecision;
import io.karst.api.security.Authorizer;

/**
 * The union of the {@link Authorizer} whiteboard in service-ranking order, as kube-apiserver's union authorizer:
 * the first allow or deny decides, no opinion asks the next, and nobody's opinion is a refusal. Members of
 * {@code system:masters} are allowed before any authorizer is asked, as upstream's privileged-group authorizer
 * always comes first: the administrator can repair any policy.
 */
public final class AuthorizationChain {
    public static final String PRIVILEGED_GROUP = "system:masters";

    private record Ranked(Authorizer authorizer, int ranking, long serviceId) {
    }

    // Replaced whole on every change so a request always walks one consistent chain.
    private volatile List<Ranked> chain = List.of();

    public synchronized void add(Authorizer authorizer, int ranking, long serviceId) {
        List<Ranked> next = new ArrayList<>(chain);
        next.add(new Ranked(authorizer, ranking, serviceId));
        next.sort(Comparator.comparingInt(Ranked::ranking).reversed().thenComparingLong(Ranked::serviceId));
        chain = List.copyOf(next);
    }

    public synchronized void remove(Authorizer authorizer) {
        List<Ranked> next = new ArrayList<>(chain);
        next.removeIf(r -> r.authorizer() == authorizer);
        chain = List.copyOf(next);
    }

    public AuthorizationDecision authorize(AuthorizationAttributes request) {
        if (request.user().groups().contains(PRIVILEGED_GROUP)) {
            return AuthorizationDecision.allow("");
        }
        List<String> reasons = new ArrayList<>();
        for (Ranked r : chain) {
            AuthorizationDecision d;
            try {
                d = r.authorizer().authorize(request);
            } catch (RuntimeException e) {
                // an authorizer that fails has no opinion; the request is refused unless another allows it
                reasons.add("authorizer failed: " + e);
                continue;
            }
            if (d.outcome() != AuthorizationDecision.Outcome.NO_OPINION) {
                return d;
            }
            if (!d.reason().isEmpty()) {
                reasons.add(d.reason());
            }
        }
        // upstream's union authorizer joins the reasons of every authorizer without an opinion by newlines
        return AuthorizationDecision.noOpinion(String.join("\n", reasons));
    }
}
