package io.karst.launcher.boot;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The first step of an agent join, as K3s does it: fetch the server's CA bundle from {@code /cacerts} and check it
 * against the CA hash carried by a secure {@code K10<hash>::...} token, so an agent never trusts a server it cannot
 * prove. The bundle is fetched over TLS without verification because its hash is the verification.
 */
final class JoinVerifier {
    private JoinVerifier() {
    }

    /**
     * @return the verified CA bundle
     * @throws JoinException with a message a person can act on
     */
    static byte[] fetchVerifiedCa(String server, String token) throws JoinException {
        Optional<String> expected = caHashOf(token);
        byte[] bundle = fetch(server);
        String actual = sha256(bundle);
        if (expected.isPresent() && !expected.get().equalsIgnoreCase(actual)) {
            throw new JoinException("the CA of " + server + " (sha256 " + actual + ") does not match the hash in the"
                    + " token (" + expected.get() + "); check --token and --server");
        }
        return bundle;
    }

    static Optional<String> caHashOf(String token) throws JoinException {
        if (!token.startsWith("K10")) {
            return Optional.empty();
        }
        int sep = token.indexOf("::");
        String hash = sep < 0 ? "" : token.substring(3, sep);
        if (!hash.matches("[0-9a-fA-F]{64}")) {
            throw new JoinException("malformed token: a K10 token is K10<sha256 of the server CA>::<user>:<secret>");
        }
        return Optional.of(hash);
    }

    private static byte[] fetch(String server) throws JoinException {
        String url = server.replaceAll("/+$", "") + "/cacerts";
        try {
            HttpClient client = HttpClient.newBuilder().sslContext(unverified()).connectTimeout(Duration.ofSeconds(10))
                    .build();
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() >= 500) {
                throw new JoinException(url + " answered " + response.statusCode() + ": the server is not ready",
                        true);
            }
            if (response.statusCode() != 200) {
                throw new JoinException(url + " answered " + response.statusCode() + "; is " + server
                        + " a Karst server?");
            }
            return response.body();
        } catch (IOException e) {
            throw new JoinException("cannot reach " + url + ": " + JoinVerifier.reason(e), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JoinException("interrupted while fetching " + url);
        } catch (GeneralSecurityException e) {
            throw new JoinException("TLS is not available in this JVM: " + e.getMessage());
        }
    }

    /** An I/O failure in words: the JDK's HTTP client gives a refused connection no message. */
    static String reason(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused or unreachable";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static SSLContext unverified() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new HashVerifiedTrust()}, new SecureRandom());
        return context;
    }

    /** Accepts the server's certificate during this one request: the CA hash check that follows is the trust. */
    private static final class HashVerifiedTrust extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client-side trust manager");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
            throw new UnsupportedOperationException("client-side trust manager");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("client-side trust manager");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** A join that cannot go on; the message is for the operator. */
    static final class JoinException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean serverUnavailable;

        JoinException(String message) {
            this(message, false);
        }

        /** @param serverUnavailable the server could not be reached or is not ready yet: worth another try */
        JoinException(String message, boolean serverUnavailable) {
            super(message);
            this.serverUnavailable = serverUnavailable;
        }

        boolean serverUnavailable() {
            return serverUnavailable;
        }
    }
}
