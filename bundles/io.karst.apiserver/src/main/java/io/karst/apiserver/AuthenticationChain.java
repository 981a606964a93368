package io.karst.apiserver;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.karst.api.security.AuthenticationException;
import io.karst.api.security.Authenticator;
import io.karst.api.security.Credentials;
import io.karst.api.security.UserInfo;

/**
 * The union of the {@link Authenticator} whiteboard, asked in service-ranking order as kube-apiserver's union
 * authenticator is: the first that proves a user wins; when none does and one rejected the credentials the
 * request is unauthorized; with no credentials at all the request is anonymous.
 */
final class AuthenticationChain {

    /** Result of authenticating one request. */
    record Outcome(Optional<UserInfo> user, List<String> failures) {
        boolean anonymous() {
            return user.isEmpty() && failures.isEmpty();
        }

        boolean rejected() {
            return user.isEmpty() && !failures.isEmpty();
        }
    }

    static final UserInfo ANONYMOUS = new UserInfo("system:anonymous", "", List.of("system:unauthenticated"),
            Map.of());

    private record Ranked(Authenticator authenticator, int ranking, long serviceId) {
    }

    // Replaced whole on every change so a request always walks one consistent chain.
    private volatile List<Ranked> chain = List.of();

    synchronized void add(Authenticator authenticator, int ranking, long serviceId) {
        List<Ranked> next = new ArrayList<>(chain);
        next.add(new Ranked(authenticator, ranking, serviceId));
        // Highest ranking first; equal rankings keep registration order, as the OSGi registry does.
        next.sort(Comparator.comparingInt(Ranked::ranking).reversed().thenComparingLong(Ranked::serviceId));
        chain = List.copyOf(next);
    }

    synchronized void remove(Authenticator authenticator) {
        List<Ranked> next = new ArrayList<>(chain);
        next.removeIf(r -> r.authenticator() == authenticator);
        chain = List.copyOf(next);
    }

    Outcome authenticate(Credentials credentials) {
        List<String> failures = new ArrayList<>();
        for (Ranked r : chain) {
            try {
                Optional<UserInfo> user = r.authenticator().authenticate(credentials);
                if (user.isPresent()) {
                    return new Outcome(user, List.of());
                }
            } catch (AuthenticationException e) {
                failures.add(e.getMessage());
            } catch (RuntimeException e) {
                failures.add("authenticator failed: " + e);
            }
        }
        boolean presented = !credentials.clientCertificates().isEmpty() || credentials.bearerToken().isPresent();
        if (presented && failures.isEmpty()) {
            // Credentials nobody could check are not anonymous: upstream answers 401 for an unknown token.
            failures.add("no authenticator accepts the presented credentials");
        }
        return new Outcome(Optional.empty(), failures);
    }
}
