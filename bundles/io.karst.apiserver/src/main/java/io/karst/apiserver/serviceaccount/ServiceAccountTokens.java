package io.karst.apiserver.serviceaccount;

import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.AuthenticationException;

/**
 * Issues and checks the signature and time bounds of service-account JWTs as kube-apiserver does: RS256 with the
 * service-account key, {@code kid} = base64url(sha256(DER public key)), the registered claims {@code iss sub aud
 * exp nbf iat jti} and the private claim {@code kubernetes.io}. Whether the objects a token names still exist is
 * the {@link ServiceAccountAuthenticator}'s business.
 */
public final class ServiceAccountTokens {
    /** go-jose's DefaultLeeway, which upstream validates exp, nbf and iat with. */
    static final Duration LEEWAY = Duration.ofMinutes(1);
    /** The private claim holding the namespace and the bound objects. */
    static final String PRIVATE_CLAIM = "kubernetes.io";

    private final String issuer;
    private final List<String> apiAudiences;
    private final KeyPair key;
    private final String keyId;
    private final Clock clock;

    /**
     * @param issuer {@code --service-account-issuer}, e.g. {@code https://kubernetes.default.svc.cluster.local}
     * @param apiAudiences {@code --api-audiences}: what a token must be meant for to authenticate here; the
     *        default audiences of a TokenRequest
     * @param key the service-account signing pair
     */
    public ServiceAccountTokens(String issuer, List<String> apiAudiences, KeyPair key, Clock clock) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.apiAudiences = List.copyOf(apiAudiences);
        if (this.apiAudiences.isEmpty()) {
            throw new IllegalArgumentException("at least one API audience is needed");
        }
        this.key = key;
        this.keyId = keyId(key.getPublic());
        this.clock = clock;
    }

    /** A name and uid, as the private claim refers to objects. */
    public record Ref(String name, String uid) {
        ObjectNode json() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            // omitempty, as upstream's ref struct
            if (!name.isEmpty()) {
                node.put("name", name);
            }
            if (!uid.isEmpty()) {
                node.put("uid", uid);
            }
            return node;
        }

        static Ref of(JsonNode node) {
            return node == null || !node.isObject() ? null
                    : new Ref(node.path("name").asText(""), node.path("uid").asText(""));
        }
    }

    /**
     * What a token says once its signature, issuer, audience and time bounds are checked.
     *
     * @param pod the bound pod, or null; likewise {@code secret} and {@code node}
     * @param id the {@code jti} claim, may be empty
     */
    public record Claims(String namespace, Ref serviceAccount, Ref pod, Ref secret, Ref node, String id,
            List<String> audiences) {
    }

    public String issuer() {
        return issuer;
    }

    public List<String> apiAudiences() {
        return apiAudiences;
    }

    public String keyId() {
        return keyId;
    }

    public PublicKey publicKey() {
        return key.getPublic();
    }

    Clock clock() {
        return clock;
    }

    /** Upstream's keyIDFromPublicKey: base64url without padding of the SHA-256 of the PKIX (DER) public key. */
    static String keyId(PublicKey publicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The claims of a new token, as upstream's {@code serviceaccount.Claims}: valid from {@code now} for
     * {@code expirationSeconds}; a node is recorded only beside a pod or alone.
     *
     * @param warnAfterSeconds when non-zero, the {@code warnafter} claim of an extended pod-bound token
     */
    ObjectNode claims(String namespace, Ref serviceAccount, Ref pod, Ref secret, Ref node, List<String> audiences,
            Instant now, long expirationSeconds, long warnAfterSeconds) {
        long issuedAt = now.getEpochSecond();
        ObjectNode claims = JsonNodeFactory.instance.objectNode();
        claims.put("iss", issuer);
        claims.put("sub", ServiceAccountAuthenticator.userName(namespace, serviceAccount.name()));
        audiences.forEach(claims.withArray("aud")::add);
        claims.put("exp", issuedAt + expirationSeconds);
        claims.put("iat", issuedAt);
        claims.put("nbf", issuedAt);
        claims.put("jti", UUID.randomUUID().toString());
        ObjectNode kubernetes = claims.putObject(PRIVATE_CLAIM);
        kubernetes.put("namespace", namespace);
        kubernetes.set("serviceaccount", serviceAccount.json());
        if (pod != null) {
            kubernetes.set("pod", pod.json());
        }
        if (secret != null) {
            kubernetes.set("secret", secret.json());
        }
        if (node != null) {
            kubernetes.set("node", node.json());
        }
        if (warnAfterSeconds != 0) {
            kubernetes.put("warnafter", issuedAt + warnAfterSeconds);
        }
        return claims;
    }

    /** The compact RS256 JWS of {@code claims}. */
    String sign(ObjectNode claims) {
        return JsonWebToken.sign(claims, keyId, key.getPrivate());
    }

    /**
     * Checks a presented bearer token as upstream's JWT token authenticator does before its validator: a token
     * that is no JWT, or that another issuer made, is not this authenticator's to judge.
     *
     * @return empty when the token is not a JWT of this issuer
     * @throws AuthenticationException when it is one but the signature, audience or time bounds are wrong
     */
    Optional<Claims> verify(String token) throws AuthenticationException {
        return verify(token, apiAudiences);
    }

    /**
     * As {@link #verify(String)}, for a token that must be meant for one of {@code requested} (a TokenReview's
     * audiences) rather than for this API server.
     */
    Optional<Claims> verify(String token, List<String> requested) throws AuthenticationException {
        Optional<JsonWebToken> parsed = JsonWebToken.parse(token);
        if (parsed.isEmpty() || !issuer.equals(parsed.get().claims().path("iss").asText(null))) {
            return Optional.empty();
        }
        JsonWebToken jwt = parsed.get();
        if (!jwt.verifiedBy(key.getPublic())) {
            throw new AuthenticationException("invalid signature");
        }
        ObjectNode claims = jwt.claims();
        List<String> audiences = audiences(claims.get("aud"));
        if (audiences.stream().noneMatch(requested::contains)) {
            throw new AuthenticationException("token audiences " + audiences + " is invalid for the target audiences "
                    + requested);
        }
        Instant now = clock.instant();
        if (claims.has("nbf") && now.plus(LEEWAY).isBefore(instant(claims, "nbf"))) {
            throw new AuthenticationException("service account token is not valid yet");
        }
        if (claims.has("exp") && now.minus(LEEWAY).isAfter(instant(claims, "exp"))) {
            throw new AuthenticationException("service account token has expired");
        }
        if (claims.has("iat") && now.plus(LEEWAY).isBefore(instant(claims, "iat"))) {
            throw new AuthenticationException("service account token is not valid yet");
        }
        JsonNode kubernetes = claims.path(PRIVATE_CLAIM);
        Ref serviceAccount = Ref.of(kubernetes.get("serviceaccount"));
        String namespace = kubernetes.path("namespace").asText("");
        if (serviceAccount == null || serviceAccount.name().isEmpty() || namespace.isEmpty()) {
            throw new AuthenticationException("service account token does not name a service account");
        }
        return Optional.of(new Claims(namespace, serviceAccount, Ref.of(kubernetes.get("pod")),
                Ref.of(kubernetes.get("secret")), Ref.of(kubernetes.get("node")), claims.path("jti").asText(""),
                audiences));
    }

    private static Instant instant(ObjectNode claims, String name) throws AuthenticationException {
        JsonNode value = claims.get(name);
        if (!value.isNumber()) {
            throw new AuthenticationException("service account token claims could not be validated due to "
                    + "unexpected validation error");
        }
        return Instant.ofEpochSecond(value.asLong());
    }

    /** {@code aud} is a string or an array of strings (RFC 7519 4.1.3). */
    private static List<String> audiences(JsonNode aud) {
        List<String> audiences = new ArrayList<>();
        if (aud != null && aud.isTextual()) {
            audiences.add(aud.asText());
        } else if (aud != null && aud.isArray()) {
            aud.forEach(a -> audiences.add(a.asText()));
        }
        return audiences;
    }
}
