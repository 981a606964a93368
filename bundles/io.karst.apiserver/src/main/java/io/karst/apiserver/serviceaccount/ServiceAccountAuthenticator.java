package io.karst.apiserver.serviceaccount;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.AuthenticationException;
import io.karst.api.security.Authenticator;
import io.karst.api.security.Credentials;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.endpoint.ObjectMetadata;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.storage.ObjectStore;

/**
 * Bearer service-account JWTs, as kube-apiserver's service-account token authenticator with its bound-token
 * validator: after signature, issuer, audience and time bounds, the service account must still exist with the
 * token's uid, and a bound pod or secret (or node, for a token bound to a node alone) must still exist with its
 * uid and not have been deleted more than the leeway ago. Objects are read from the datastore on every request, so
 * a deleted pod's token stops working at once (upstream reads an informer cache, which lags a little).
 */
public final class ServiceAccountAuthenticator implements Authenticator {
    /** The service-ranking it is registered with: after the x509 authenticator (0), as upstream's union orders them. */
    public static final int RANKING = -10;
    static final String SERVICE_ACCOUNTS = "system:serviceaccounts";
    static final String AUTHENTICATED = "system:authenticated";
    static final String POD_NAME = "authentication.kubernetes.io/pod-name";
    static final String POD_UID = "authentication.kubernetes.io/pod-uid";
    static final String NODE_NAME = "authentication.kubernetes.io/node-name";
    static final String NODE_UID = "authentication.kubernetes.io/node-uid";
    static final String CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";
    private static final String INVALIDATED = "service account token has been invalidated";

    private final ServiceAccountTokens tokens;
    private final ObjectStore store;
    private final ResourceType serviceAccounts;
    private final ResourceType pods;
    private final ResourceType secrets;
    private final ResourceType nodes;

    public ServiceAccountAuthenticator(ServiceAccountTokens tokens, ObjectStore store, ResourceRegistry registry) {
        this.tokens = tokens;
        this.store = store;
        this.serviceAccounts = registry.find("", "v1", "serviceaccounts").orElseThrow();
        this.pods = registry.find("", "v1", "pods").orElseThrow();
        this.secrets = registry.find("", "v1", "secrets").orElseThrow();
        this.nodes = registry.find("", "v1", "nodes").orElseThrow();
    }

    /** {@code system:serviceaccount:<namespace>:<name>} */
    static String userName(String namespace, String name) {
        return "system:serviceaccount:" + namespace + ":" + name;
    }

    /** A token's user and the audiences it was accepted for: those of the token among the ones asked for. */
    public record Authenticated(UserInfo user, List<String> audiences) {
        public Authenticated {
            audiences = List.copyOf(audiences);
        }
    }

    @Override
    public Optional<UserInfo> authenticate(Credentials credentials) throws AuthenticationException {
        if (credentials.bearerToken().isEmpty()) {
            return Optional.empty();
        }
        return authenticate(credentials.bearerToken().get(), tokens.apiAudiences()).map(Authenticated::user);
    }

    /**
     * Checks a token meant for one of {@code audiences} (a TokenReview's, or this server's API audiences).
     *
     * @return empty when the token is no service-account token of this issuer
     */
    public Optional<Authenticated> authenticate(String token, List<String> audiences) throws AuthenticationException {
        Optional<ServiceAccountTokens.Claims> verified = tokens.verify(token, audiences);
        if (verified.isEmpty()) {
            return Optional.empty();
        }
        ServiceAccountTokens.Claims claims = verified.get();
        String namespace = claims.namespace();
        Instant invalidIfDeletedBefore = tokens.clock().instant().minus(ServiceAccountTokens.LEEWAY);
        ServiceAccountTokens.Ref saRef = claims.serviceAccount();
        ObjectNode serviceAccount = store.find(serviceAccounts, namespace, saRef.name()).orElseThrow(
                () -> new AuthenticationException("serviceaccounts \"" + saRef.name() + "\" not found"));
        if (!ObjectMetadata.uid(serviceAccount).equals(saRef.uid())) {
            throw new AuthenticationException("service account UID (" + ObjectMetadata.uid(serviceAccount)
                    + ") does not match claim (" + saRef.uid() + ")");
        }
        if (deletedBefore(serviceAccount, invalidIfDeletedBefore)) {
            throw new AuthenticationException("service account " + namespace + "/" + saRef.name()
                    + " has been deleted");
        }
        if (claims.secret() != null) {
            requireBound(secrets, namespace, claims.secret(), "secret", invalidIfDeletedBefore);
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        if (claims.pod() != null) {
            requireBound(pods, namespace, claims.pod(), "pod", invalidIfDeletedBefore);
            extra.put(POD_NAME, List.of(claims.pod().name()));
            extra.put(POD_UID, List.of(claims.pod().uid()));
        }
        if (claims.node() != null) {
            if (claims.pod() == null) {
                requireBound(nodes, null, claims.node(), "node", invalidIfDeletedBefore);
            }
            extra.put(NODE_NAME, List.of(claims.node().name()));
            if (!claims.node().uid().isEmpty()) {
                extra.put(NODE_UID, List.of(claims.node().uid()));
            }
        }
        if (!claims.id().isEmpty()) {
            extra.put(CREDENTIAL_ID, List.of("JTI=" + claims.id()));
        }
        UserInfo user = new UserInfo(userName(namespace, saRef.name()), saRef.uid(),
                List.of(SERVICE_ACCOUNTS, SERVICE_ACCOUNTS + ":" + namespace, AUTHENTICATED), extra);
        return Optional.of(new Authenticated(user, claims.audiences().stream().filter(audiences::contains)
                .distinct().toList()));
    }

    private void requireBound(ResourceType type, String namespace, ServiceAccountTokens.Ref ref, String what,
            Instant invalidIfDeletedBefore) throws AuthenticationException {
        Optional<ObjectNode> bound = store.find(type, namespace, ref.name());
        if (bound.isEmpty()) {
            throw new AuthenticationException(INVALIDATED);
        }
        String uid = ObjectMetadata.uid(bound.get());
        if (!uid.equals(ref.uid())) {
            throw new AuthenticationException(what + " UID (" + uid + ") does not match service account " + what
                    + " ref claim (" + ref.uid() + ")");
        }
        if (deletedBefore(bound.get(), invalidIfDeletedBefore)) {
            throw new AuthenticationException(INVALIDATED);
        }
    }

    private static boolean deletedBefore(ObjectNode object, Instant limit) {
        String deletion = object.path("metadata").path("deletionTimestamp").asText("");
        return !deletion.isEmpty() && Instant.parse(deletion).isBefore(limit);
    }
}
