package io.karst.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import io.karst.api.security.PkiProvider;
import io.karst.launcher.cli.ServerFixture.Run;

class KubeconfigCommandTest {
    @TempDir
    Path dir;
    ServerFixture server;
    final KubeconfigCommand command = new KubeconfigCommand();

    @BeforeEach
    void setUp() {
        server = new ServerFixture(dir);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> first(Map<String, Object> config, String list) {
        return (Map<String, Object>) ((List<Map<String, Object>>) config.get(list)).get(0).get(
                list.equals("clusters") ? "cluster" : "user");
    }

    private static byte[] data(Map<String, Object> section, String key) {
        return Base64.getDecoder().decode((String) section.get(key));
    }

    @Test
    void aUserKubeconfigCarriesANewKeyAndACertificateOfTheClientCaForTheUserAndGroups() throws Exception {
        PkiProvider.Pki pki = server.createPki();
        Run run = server.run(command, "user", "--client-name", "alice", "--org", "devs", "--org", "ops",
                "--validity-period", "24h");

        assertEquals(0, run.exit(), run.err());
        Map<String, Object> config = new Yaml().load(run.out());
        assertEquals("alice@karst", config.get("current-context"));
        Map<String, Object> cluster = first(config, "clusters");
        assertEquals("https://127.0.0.1:6443", cluster.get("server"));
        assertEquals(pki.certificateAuthority().serverCaBundle(),
                new String(data(cluster, "certificate-authority-data"), StandardCharsets.US_ASCII));
        Map<String, Object> user = first(config, "users");
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(data(user, "client-certificate-data")));
        assertEquals("CN=alice,O=ops,O=devs", certificate.getSubjectX500Principal().getName());
        assertTrue(certificate.getIssuerX500Principal().getName().contains("client-ca"),
                certificate.getIssuerX500Principal().getName());
        Duration valid = Duration.between(certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
        assertEquals(Duration.ofHours(24), valid);
        assertTrue(certificate.getNotAfter().toInstant().isAfter(Instant.now()));
        // the key printed is the key certified
        String pem = new String(data(user, "client-key-data"), StandardCharsets.US_ASCII);
        byte[] der = Base64.getMimeDecoder().decode(pem.replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", ""));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der)));
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertTrue(verifier.verify(signature));
    }

    @Test
    void missingNameBadPeriodsAndAMissingPkiAreRefused() {
        Run noPki = server.run(command, "user", "--client-name", "alice");
        assertEquals(1, noPki.exit());
        assertTrue(noPki.err().contains("no Karst server PKI in"), noPki.err());

        server.createPki();
        Run noName = server.run(command, "user");
        assertEquals("karst kubeconfig user: missing --client-name: expected the user's name\n", noName.err());
        Run zero = server.run(command, "user", "--client-name", "bob", "--validity-period", "0");
        assertEquals("karst kubeconfig user: the validity of a client certificate must be positive\n", zero.err());
        Run days = server.run(command, "user", "--client-name", "bob", "--validity-period", "7d");
        assertTrue(days.err().startsWith("karst kubeconfig user: --validity-period: invalid duration"), days.err());
        assertEquals(1, server.run(command, "group").exit());
    }
}
