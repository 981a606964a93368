package io.karst.pki;

import static io.karst.pki.TestSettings.NOW;
import static io.karst.pki.TestSettings.at;
import static io.karst.pki.TestSettings.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.api.security.Credentials;
import io.karst.api.security.NodeCertificates;
import io.karst.api.security.UserInfo;

/** The kubelet certificates a joining node gets for the public keys it sent. */
class NodeCertificatesTest {
    @TempDir
    Path dataDir;

    private final SecureRandom random = new SecureRandom();

    private static X509Certificate parse(String pem) {
        return PemFiles.parseCertificate("test", pem.getBytes(StandardCharsets.US_ASCII));
    }

    private NodeCertificates issue(ClusterPki pki, KeyPair client, KeyPair serving) throws Exception {
        return pki.certificateAuthority().issueNodeCertificates("agent1", List.of("agent1.example.com"),
                List.of(InetAddress.getByName("192.0.2.11")), client.getPublic(), serving.getPublic());
    }

    @Test
    void theClientCertificateIsSystemNodeInSystemNodesSignedByTheClientCa() throws Exception {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        KeyPair clientKey = KeyPairs.ecdsaP256(random);

        NodeCertificates issued = issue(pki, clientKey, KeyPairs.ecdsaP256(random));

        X509Certificate client = parse(issued.clientCertificate());
        X509Certificate clientCa = pki.certificates().authority(ClusterCa.CLIENT).certificate();
        client.verify(clientCa.getPublicKey());
        assertEquals(clientKey.getPublic(), client.getPublicKey());
        assertEquals(clientCa, parse(issued.clientCa()));
        assertEquals(List.of(KeyPurpose.CLIENT_AUTH.oid()), client.getExtendedKeyUsage());
        assertEquals("CN=system:node:agent1,O=system:nodes",
                client.getSubjectX500Principal().getName(X500Principal.RFC2253));
        UserInfo user = pki.authenticator().authenticate(new Credentials(List.of(client), Optional.empty()))
                .orElseThrow();
        assertEquals("system:node:agent1", user.name());
        assertEquals(List.of("system:nodes", "system:authenticated"), user.groups());
        assertEquals(NOW, client.getNotBefore().toInstant());
        assertEquals(NOW.plus(CertificateIssuer.LEAF_VALIDITY), client.getNotAfter().toInstant());
    }

    @Test
    void theServingCertificateNamesTheNodeItsAddressesAndLoopbackSignedByTheServerCa() throws Exception {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        KeyPair servingKey = KeyPairs.ecdsaP256(random);

        NodeCertificates issued = issue(pki, KeyPairs.ecdsaP256(random), servingKey);

        X509Certificate serving = parse(issued.servingCertificate());
        serving.verify(pki.certificates().authority(ClusterCa.SERVER).certificate().getPublicKey());
        assertEquals(servingKey.getPublic(), serving.getPublicKey());
        assertEquals("CN=agent1", serving.getSubjectX500Principal().getName(X500Principal.RFC2253));
        assertEquals(List.of(KeyPurpose.SERVER_AUTH.oid()), serving.getExtendedKeyUsage());
        SubjectAltNames names = SubjectAltNames.of(serving);
        assertEquals(Set.of("agent1", "agent1.example.com", "localhost"), names.dnsNames());
        assertEquals(Set.of(InetAddress.getByName("192.0.2.11"), InetAddress.getByName("127.0.0.1")),
                names.addresses());
        assertEquals(pki.certificateAuthority().serverCaBundle(), issued.serverCa());
    }

    @Test
    void theServingCertificateIsNotAClientCredential() throws Exception {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));

        X509Certificate serving = parse(issue(pki, KeyPairs.ecdsaP256(random), KeyPairs.ecdsaP256(random))
                .servingCertificate());

        assertThrows(io.karst.api.security.AuthenticationException.class,
                () -> pki.authenticator().authenticate(new Credentials(List.of(serving), Optional.empty())));
    }

    @Test
    void rsaKeysAreSignedToo() throws Exception {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        KeyPair rsa = KeyPairs.rsa2048(random);

        NodeCertificates issued = issue(pki, rsa, rsa);

        assertEquals(rsa.getPublic(), parse(issued.clientCertificate()).getPublicKey());
    }

    @Test
    void weakOrUnknownKeysAreRefused() throws Exception {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(1024);
        KeyPair weak = small.generateKeyPair();
        KeyPair good = KeyPairs.ecdsaP256(random);
        KeyPair dsa = KeyPairGenerator.getInstance("DSA").generateKeyPair();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> issue(pki, weak, good));
        assertTrue(e.getMessage().contains("client key"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> issue(pki, good, dsa));
        assertTrue(e.getMessage().contains("serving key"), e.getMessage());
    }

    @Test
    void nothingIsWrittenForTheNode() throws Exception {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        int before = pki.certificateAuthority().certificates().size();

        issue(pki, KeyPairs.ecdsaP256(random), KeyPairs.ecdsaP256(random));

        assertEquals(before, pki.certificateAuthority().certificates().size());
        assertTrue(java.nio.file.Files.notExists(new PkiLayout(dataDir).certificate(LeafCatalog.KUBELET_CLIENT)));
    }
}
