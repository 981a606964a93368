package io.karst.apiserver.join;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.client.ResourceClient;
import io.karst.api.security.CertificateAuthority;
import io.karst.api.security.NodeCertificates;
import io.karst.api.security.AuthenticationException;
import io.karst.api.security.TokenService;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.bootstraptoken.BootstrapTokenAuthenticator;

/**
 * {@code POST /v1-karst/node-join}: an agent that has checked the server's CA against its join token presents the
 * token ({@code Authorization: Basic base64("node:" + token)}), its node name and password, and the public keys
 * of its kubelet; it gets back the kubelet's client and serving certificates, the CAs, and the cluster network
 * settings. The private keys never leave the agent. K3s's supervisor serves the same step as
 * {@code /v1-k3s/client-kubelet.crt} and {@code serving-kubelet.crt}.
 */
public final class NodeJoinEndpoint {
    public static final String PATH = "/v1-karst/node-join";
    /** A join body is a few keys and names; anything larger is refused before it is parsed. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** The user name of the Basic credentials, as K3s's agents send it. */
    static final String USER = "node";

    private static final Logger LOG = LoggerFactory.getLogger(NodeJoinEndpoint.class);
    private static final String BAD_TOKEN = "the join token is not valid for this server: check --token (the "
            + "server's token is in <data-dir>/server/node-token, /var/lib/karst/server/node-token by default)";

    private final TokenService tokens;
    private final BootstrapTokenAuthenticator bootstrapTokens;
    /** The secret of {@code --agent-token}: agents may join with it too; empty when there is none. */
    private final String agentSecret;
    private final CertificateAuthority authority;
    private final NodePasswords passwords;
    private final ClusterNetwork network;

    /** @param agentToken K3s's {@code --agent-token} (full or short form); empty for none */
    public NodeJoinEndpoint(TokenService tokens, BootstrapTokenAuthenticator bootstrapTokens, String agentToken,
            CertificateAuthority authority, ResourceClient client, ClusterNetwork network) {
        this(tokens, bootstrapTokens, agentToken, authority, client, network, PasswordHash.DEFAULT_ITERATIONS);
    }

    /** With a chosen PBKDF2 iteration count for new password hashes (tests use fewer). */
    public NodeJoinEndpoint(TokenService tokens, BootstrapTokenAuthenticator bootstrapTokens, String agentToken,
            CertificateAuthority authority, ResourceClient client, ClusterNetwork network, int hashIterations) {
        this.tokens = tokens;
        this.bootstrapTokens = bootstrapTokens;
        this.agentSecret = secretOf(agentToken == null ? "" : agentToken.strip());
        this.authority = authority;
        this.passwords = new NodePasswords(client, new PasswordHash(hashIterations, new SecureRandom()));
        this.network = network;
    }

    /**
     * Answers one request. Blocking (a slow password hash, a datastore write): call it off the event loop.
     *
     * @param method the HTTP method
     * @param authorization the {@code Authorization} header, or null
     * @param body the request body
     */
    public JoinAnswer answer(String method, String authorization, byte[] body) {
        if (!"POST".equals(method)) {
            return new JoinAnswer(405, "MethodNotAllowed",
                    "the server does not allow this method on the requested resource: " + method, null);
        }
        try {
            String who = authenticate(authorization);
            if (body.length > MAX_BODY_BYTES) {
                return new JoinAnswer(413, "RequestEntityTooLarge",
                        "the request body is larger than the limit of " + MAX_BODY_BYTES + " bytes", null);
            }
            JoinRequest request = JoinRequest.parse(body);
            // Issued before the password is recorded, so keys the PKI refuses leave no Secret behind.
            NodeCertificates certificates;
            try {
                certificates = authority.issueNodeCertificates(request.nodeName(), request.hostnames(),
                        request.addresses(), request.clientKey(), request.servingKey());
            } catch (IllegalArgumentException e) {
                // the keys parsed but the PKI will not sign them (too weak); the message names which one
                String field = e.getMessage() != null && e.getMessage().contains("serving") ? "servingPublicKey"
                        : "clientPublicKey";
                throw JoinFailure.badRequest(field, e.getMessage());
            }
            passwords.verifyOrRecord(request.nodeName(), request.nodePassword());
            LOG.info("node {} joined with the token of {}; issued its kubelet certificates", request.nodeName(), who);
            return JoinAnswer.ok(body(certificates));
        } catch (JoinFailure e) {
            if (e.code() == 403) {
                LOG.warn("join refused: {}", e.getMessage());
            }
            return JoinAnswer.failure(e);
        }
    }

    /** Who the token speaks for ({@code server}, {@code agent-token} or a bootstrap token's user). */
    private String authenticate(String authorization) throws JoinFailure {
        Optional<String> token = basicPassword(authorization);
        if (token.isEmpty()) {
            throw new JoinFailure(401, "Unauthorized", "the request carries no join token: send it as "
                    + "Authorization: Basic base64(\"" + USER + ":\" + token); " + BAD_TOKEN);
        }
        if (!agentSecret.isEmpty() && MessageDigest.isEqual(
                secretOf(token.get().strip()).getBytes(StandardCharsets.UTF_8),
                agentSecret.getBytes(StandardCharsets.UTF_8))) {
            return "agent-token";
        }
        Optional<String> server = tokens.verify(token.get());
        if (server.isPresent()) {
            return server.get();
        }
        // A bootstrap token (Secret in kube-system) admits an agent as it would authenticate a client.
        try {
            Optional<UserInfo> bootstrap = bootstrapTokens.authenticate(secretOf(token.get().strip()));
            if (bootstrap.isPresent()) {
                return bootstrap.get().name();
            }
        } catch (AuthenticationException e) {
            LOG.info("join refused: {}", e.getMessage());
        }
        throw new JoinFailure(401, "Unauthorized", BAD_TOKEN);
    }

    /**
     * The secret of a token in K3s's forms: {@code K10<hash>::<user>:<secret>} or the secret alone. (A CA hash in
     * the full form was the agent's check of the server, before it sent anything.)
     */
    private static String secretOf(String token) {
        int sep = token.indexOf("::");
        if (!token.startsWith("K10") || sep < 0) {
            return token;
        }
        String credentials = token.substring(sep + 2);
        return credentials.substring(credentials.indexOf(':') + 1);
    }

    private static Optional<String> basicPassword(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.strip();
        if (!value.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || !decoded.substring(0, colon).equals(USER) || colon == decoded.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(decoded.substring(colon + 1));
    }

    private Map<String, Object> body(NodeCertificates certificates) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clientCertificate", certificates.clientCertificate());
        body.put("servingCertificate", certificates.servingCertificate());
        body.put("clientCa", certificates.clientCa());
        body.put("serverCa", certificates.serverCa());
        body.put("clusterDns", network.clusterDns());
        body.put("clusterDomain", network.clusterDomain());
        body.put("clusterCidr", network.clusterCidr());
        body.put("serviceCidr", network.serviceCidr());
        return body;
    }
}
