package io.karst.launcher.boot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;


import io.karst.launcher.config.JsonText;
import io.karst.launcher.boot.JoinVerifier.JoinException;
import io.karst.launcher.config.JsonText;

/**
 * The second step of an agent join, after {@link JoinVerifier} proved the server's CA: present the token and the
 * node password to the server's {@code /v1-karst/node-join} and receive the kubelet's client and serving
 * certificates for fresh key pairs made here (the private keys never leave this machine), plus the cluster
 * settings the kubelet needs. Runs at every start, as a K3s agent asks for its certificates at every start.
 */
final class NodeJoin {
    static final String PATH = "/v1-karst/node-join";

    /** Where a joined agent keeps what the join gave it: {@code <data-dir>/agent/tls}. */
    record Credentials(Path dir) {
        Path clientCertificate() {
            return dir.resolve("client-kubelet.crt");
        }

        Path clientKey() {
            return dir.resolve("client-kubelet.key");
        }

        Path servingCertificate() {
            return dir.resolve("serving-kubelet.crt");
        }

        Path servingKey() {
            return dir.resolve("serving-kubelet.key");
        }

        Path serverCa() {
            return dir.resolve("server-ca.crt");
        }

        Path clientCa() {
            return dir.resolve("client-ca.crt");
        }
    }

    /** The cluster settings the server answered with. */
    record Joined(Credentials credentials, List<String> clusterDns, String clusterDomain) {
    }

    private NodeJoin() {
    }

    /**
     * @param serverCa the CA bundle {@link JoinVerifier} verified; the only CA this request trusts
     * @throws JoinException with the server's message when it refuses (token, node password), or when it cannot
     *                       be reached
     */
    static Joined join(String server, String token, byte[] serverCa, String nodeName, String nodePassword,
            List<String> addresses, Path tlsDir) throws JoinException, IOException {
        KeyPair client = newKeyPair();
        KeyPair serving = newKeyPair();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("nodeName", nodeName);
        body.put("nodePassword", nodePassword);
        body.put("addresses", addresses);
        body.put("hostnames", List.of(nodeName));
        body.put("clientPublicKey", pem("PUBLIC KEY", client.getPublic().getEncoded()));
        body.put("servingPublicKey", pem("PUBLIC KEY", serving.getPublic().getEncoded()));
        Map<String, Object> answer = post(server, token, serverCa, JsonText.write(body));

        Credentials credentials = new Credentials(tlsDir);
        KarafInstance.writeAtomically(credentials.serverCa(), new String(serverCa, StandardCharsets.UTF_8));
        KarafInstance.writeAtomically(credentials.clientCa(), text(answer, "clientCa"));
        KarafInstance.writeAtomically(credentials.clientCertificate(), text(answer, "clientCertificate"));
        KarafInstance.writeAtomically(credentials.servingCertificate(), text(answer, "servingCertificate"));
        KarafInstance.writePrivately(credentials.clientKey(), pem("PRIVATE KEY", client.getPrivate().getEncoded()));
        KarafInstance.writePrivately(credentials.servingKey(),
                pem("PRIVATE KEY", serving.getPrivate().getEncoded()));
        Object dns = answer.get("clusterDns");
        List<String> clusterDns = dns instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
        return new Joined(credentials, clusterDns, String.valueOf(answer.getOrDefault("clusterDomain",
                "cluster.local")));
    }

    private static Map<String, Object> post(String server, String token, byte[] serverCa, String json)
            throws JoinException {
        String url = server.replaceAll("/+$", "") + PATH;
        HttpResponse<String> response;
        try {
            HttpClient http = HttpClient.newBuilder().sslContext(trusting(serverCa))
                    .connectTimeout(Duration.ofSeconds(10)).build();
            String basic = Base64.getEncoder().encodeToString(("node:" + token).getBytes(StandardCharsets.UTF_8));
            response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Basic " + basic).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new JoinException("cannot reach " + url + ": " + JoinVerifier.reason(e), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JoinException("interrupted while joining " + server);
        } catch (GeneralSecurityException e) {
            throw new JoinException("cannot use the CA of " + server + ": " + e.getMessage());
        }
        Map<String, Object> answer = JsonText.readObject(response.body());
        if (response.statusCode() >= 500) {
            Object message = answer.get("message");
            throw new JoinException(server + " cannot join nodes yet (" + response.statusCode() + "): "
                    + (message != null ? message : response.body().strip()), true);
        }
        if (response.statusCode() != 200) {
            Object message = answer.get("message");
            throw new JoinException(server + " refused to join this node (" + response.statusCode() + "): "
                    + (message != null ? message : response.body().strip()));
        }
        return answer;
    }

    private static String text(Map<String, Object> answer, String field) throws JoinException {
        Object value = answer.get(field);
        if (!(value instanceof String s) || s.isBlank()) {
            throw new JoinException("the server's join answer has no " + field + "; is it a Karst server of this"
                    + " version?");
        }
        return s;
    }

    private static SSLContext trusting(byte[] caBundle) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (Certificate ca : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(caBundle))) {
            trust.setCertificateEntry("ca-" + i++, ca);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), new SecureRandom());
        return context;
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 keys are missing from this JVM", e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
