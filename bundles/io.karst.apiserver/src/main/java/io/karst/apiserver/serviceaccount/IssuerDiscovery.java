package io.karst.apiserver.serviceaccount;

import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Service-account issuer discovery: the OpenID provider configuration at {@code /.well-known/openid-configuration}
 * and the key set at {@code /openid/v1/jwks}, through which outside parties verify the cluster's tokens.
 */
public final class IssuerDiscovery {
    public static final String CONFIGURATION_PATH = "/.well-known/openid-configuration";
    public static final String KEYS_PATH = "/openid/v1/jwks";
    /** The content type upstream answers the key set with. */
    public static final String KEY_SET_TYPE = "application/jwk-set+json";

    private final ServiceAccountTokens tokens;

    public IssuerDiscovery(ServiceAccountTokens tokens) {
        this.tokens = tokens;
    }

    public static boolean handles(String path) {
        return path.equals(CONFIGURATION_PATH) || path.equals(KEYS_PATH);
    }

    /**
     * @param externalAddress {@code host:port} clients reach this server at; the {@code jwks_uri} points there, as
     *        upstream derives it from its external address when {@code --service-account-jwks-uri} is unset
     */
    public ObjectNode configuration(String externalAddress) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("issuer", tokens.issuer());
        doc.put("jwks_uri", "https://" + externalAddress + KEYS_PATH);
        doc.putArray("response_types_supported").add("id_token");
        doc.putArray("subject_types_supported").add("public");
        doc.putArray("id_token_signing_alg_values_supported").add(JsonWebToken.RS256);
        return doc;
    }

    /** The JWK set (RFC 7517) of the verification key. */
    public ObjectNode keySet() {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        ObjectNode key = doc.putArray("keys").addObject();
        key.put("use", "sig");
        key.put("kty", "RSA");
        key.put("kid", tokens.keyId());
        key.put("alg", JsonWebToken.RS256);
        RSAPublicKey rsa = (RSAPublicKey) tokens.publicKey();
        key.put("n", unsigned(rsa.getModulus()));
        key.put("e", unsigned(rsa.getPublicExponent()));
        return doc;
    }

    /** base64url of the big-endian magnitude without a sign byte (RFC 7518 6.3.1). */
    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
