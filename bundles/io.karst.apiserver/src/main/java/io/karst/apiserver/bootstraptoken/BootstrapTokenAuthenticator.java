package io.karst.apiserver.bootstraptoken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.AuthenticationException;
import io.karst.api.security.Authenticator;
import io.karst.api.security.Credentials;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.storage.ObjectStore;

/**
 * Bearer bootstrap tokens ({@code [a-z0-9]{6}.[a-z0-9]{16}}), as kube-apiserver's bootstrap token authenticator:
 * the token's Secret in kube-system must exist, not be deleting, be of the bootstrap type, hold the same id and
 * secret, not have expired and allow authentication; the user is {@code system:bootstrap:<id>} in
 * {@code system:bootstrappers} and the token's extra groups. The Secret is read on every request (upstream reads
 * an informer), so a deleted token stops working at once. The same check admits agents to the node join.
 */
public final class BootstrapTokenAuthenticator implements Authenticator {
    /** After x509 (0) and service-account tokens (-10): the formats never overlap, so the order only costs time. */
    public static final int RANKING = -20;
    private static final String AUTHENTICATED = "system:authenticated";

    private final ObjectStore store;
    private final ResourceType secrets;
    private final Clock clock;

    public BootstrapTokenAuthenticator(ObjectStore store, ResourceRegistry registry, Clock clock) {
        this.store = store;
        this.secrets = registry.find("", "v1", "secrets").orElseThrow();
        this.clock = clock;
    }

    @Override
    public Optional<UserInfo> authenticate(Credentials credentials) throws AuthenticationException {
        if (credentials.bearerToken().isEmpty()) {
            return Optional.empty();
        }
        return authenticate(credentials.bearerToken().get());
    }

    /**
     * @return empty when {@code token} does not have a bootstrap token's form
     * @throws AuthenticationException when it has the form but is not a valid bootstrap token
     */
    public Optional<UserInfo> authenticate(String token) throws AuthenticationException {
        Optional<BootstrapTokenSecret.Presented> presented = BootstrapTokenSecret.parse(token);
        if (presented.isEmpty()) {
            return Optional.empty();
        }
        String id = presented.get().id();
        String name = BootstrapTokenSecret.NAME_PREFIX + id;
        ObjectNode secret = store.find(secrets, BootstrapTokenSecret.NAMESPACE, name).orElseThrow(
                () -> new AuthenticationException("no bootstrap token Secret " + BootstrapTokenSecret.NAMESPACE
                        + "/" + name));
        if (secret.path("metadata").hasNonNull("deletionTimestamp")) {
            throw new AuthenticationException("bootstrap token " + id + " is being deleted");
        }
        if (!BootstrapTokenSecret.TYPE.equals(secret.path("type").asText())) {
            throw new AuthenticationException("Secret " + name + " is not of type " + BootstrapTokenSecret.TYPE);
        }
        BootstrapTokenSecret stored = BootstrapTokenSecret.of(secret);
        if (!same(stored.secret(), presented.get().secret()) || !stored.id().equals(id)) {
            throw new AuthenticationException("bootstrap token " + id + " does not match its Secret");
        }
        if (stored.expired(clock.instant())) {
            throw new AuthenticationException("bootstrap token " + id + " has expired");
        }
        if (!stored.forAuthentication()) {
            throw new AuthenticationException("bootstrap token " + id + " is not marked for authentication");
        }
        if (!stored.extraGroupsValid()) {
            throw new AuthenticationException("bootstrap token " + id + " has invalid auth-extra-groups");
        }
        List<String> groups = new ArrayList<>();
        groups.add(BootstrapTokenSecret.GROUP);
        groups.addAll(stored.extraGroups());
        groups.add(AUTHENTICATED);
        return Optional.of(new UserInfo(BootstrapTokenSecret.USER_PREFIX + id, "", groups, Map.of()));
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
