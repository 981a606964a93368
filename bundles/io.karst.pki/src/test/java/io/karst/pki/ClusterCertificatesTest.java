package io.karst.pki;

import static io.karst.pki.TestSettings.NOW;
import static io.karst.pki.TestSettings.at;
import static io.karst.pki.TestSettings.settings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.api.security.CertificateStatus;
import io.karst.api.security.ServingCredentials;

class ClusterCertificatesTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path dataDir;

    private Path tls() {
        return dataDir.resolve("server/tls");
    }

    private X509Certificate cert(String service) {
        return PemFiles.readCertificate(tls().resolve(service + ".crt"));
    }

    @Test
    void servingCertificateNamesNodeTlsSansKubernetesServiceIpAndLoopback() throws Exception {
        ClusterPki.open(settings(dataDir), at(NOW));
        SubjectAltNames names = SubjectAltNames.of(cert("serving-kube-apiserver"));

        assertEquals(Set.of("node-1", "api.example.com", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local", "localhost"), names.dnsNames());
        assertEquals(Set.of(ip("192.168.1.10"), ip("203.0.113.7"), ip("10.43.0.1"), ip("127.0.0.1"), ip("::1")),
                names.addresses());
    }

    @Test
    void servingCertificateNamesTheFirstAddressOfAnIpv6ServiceCidr() throws Exception {
        ClusterPki.open(TestSettings.withServiceCidr(settings(dataDir), "fd00:43::/112"), at(NOW));

        Set<InetAddress> addresses = SubjectAltNames.of(cert("serving-kube-apiserver")).addresses();
        assertTrue(addresses.contains(ip("fd00:43::1")), addresses.toString());
        assertFalse(addresses.contains(ip("10.43.0.1")));
    }

    @Test
    void apiServingHasTheServingKeyChainAndClientCa() {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        ServingCredentials serving = pki.certificateAuthority().apiServing();

        assertEquals(List.of(cert("serving-kube-apiserver"), cert("server-ca")), serving.chain());
        assertEquals(List.of(cert("client-ca")), serving.clientCas());
        assertTrue(KeyPairs.matches(serving.key(), serving.chain().get(0).getPublicKey()));
    }

    @Test
    void authoritiesAreSelfSignedTenYearCasWithK3sNamesAndKeyUsage() throws Exception {
        ClusterPki.open(settings(dataDir), at(NOW));

        for (String ca : List.of("server-ca", "client-ca", "request-header-ca")) {
            X509Certificate c = cert(ca);
            assertEquals("CN=karst-" + ca + "@" + NOW.getEpochSecond(), c.getSubjectX500Principal().getName());
            assertEquals(c.getSubjectX500Principal(), c.getIssuerX500Principal());
            c.verify(c.getPublicKey());
            assertEquals("EC", c.getPublicKey().getAlgorithm());
            assertEquals(NOW, c.getNotBefore().toInstant());
            assertEquals(NOW.plus(Duration.ofDays(3650)), c.getNotAfter().toInstant());
            assertEquals(Integer.MAX_VALUE, c.getBasicConstraints(), ca + " must be a CA without path length");
            boolean[] usage = c.getKeyUsage();
            assertTrue(usage[0], "digitalSignature");
            assertTrue(usage[5], "keyCertSign");
            assertTrue(usage[6], "cRLSign");
        }
    }

    @Test
    void leavesLastOneYearAndCarryTheirExtendedKeyUsage() throws Exception {
        ClusterPki.open(settings(dataDir), at(NOW));

        X509Certificate serving = cert("serving-kube-apiserver");
        assertEquals(NOW.plus(Duration.ofDays(365)), serving.getNotAfter().toInstant());
        assertEquals(List.of(SERVER_AUTH), serving.getExtendedKeyUsage());
        assertEquals(-1, serving.getBasicConstraints());
        serving.verify(cert("server-ca").getPublicKey());

        X509Certificate admin = cert("client-admin");
        assertEquals(List.of(CLIENT_AUTH), admin.getExtendedKeyUsage());
        assertEquals("CN=system:admin,O=system:masters", admin.getSubjectX500Principal().getName());
        assertEquals(NOW.plus(Duration.ofDays(365)), admin.getNotAfter().toInstant());
        admin.verify(cert("client-ca").getPublicKey());

        cert("client-auth-proxy").verify(cert("request-header-ca").getPublicKey());
        assertEquals("CN=system:karst-supervisor,O=system:masters",
                cert("client-supervisor").getSubjectX500Principal().getName());
        assertEquals("CN=system:kube-controller-manager",
                cert("client-controller").getSubjectX500Principal().getName());
    }

    @Test
    void keysAreOwnerOnlyAndDirectoriesPrivate() throws IOException {
        ClusterPki.open(settings(dataDir), at(NOW));

        for (String key : List.of("server-ca.key", "client-admin.key", "serving-kube-apiserver.key", "service.key")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls().resolve(key))),
                    key);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls())));
        assertEquals("rwx------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("server"))));
        String serviceKey = Files.readString(tls().resolve("service.key"));
        assertTrue(serviceKey.startsWith("-----BEGIN PRIVATE KEY-----"), serviceKey);
        assertTrue(Files.readString(tls().resolve("service.pub")).startsWith("-----BEGIN PUBLIC KEY-----"));
        assertTrue(KeyPairs.matches(PemFiles.readPrivateKey(tls().resolve("service.key")),
                PemFiles.readPublicKey(tls().resolve("service.pub"))));
    }

    @Test
    void theServiceAccountKeyIsTheOneOnDiskAndSurvivesReopening() {
        java.security.KeyPair first = ClusterPki.open(settings(dataDir), at(NOW)).certificateAuthority()
                .serviceAccountKey();
        java.security.KeyPair again = ClusterPki.open(settings(dataDir), at(NOW)).certificateAuthority()
                .serviceAccountKey();

        assertEquals(PemFiles.readPublicKey(tls().resolve("service.pub")), first.getPublic());
        assertTrue(KeyPairs.matches(first.getPrivate(), first.getPublic()));
        assertEquals(first.getPublic(), again.getPublic());
        assertEquals(first.getPrivate(), again.getPrivate());
    }

    @Test
    void reopeningRenewsALeafExpiringWithinTheRenewalWindow() {
        // Issued 265 days ago, so it has 100 days left: inside the 120-day window.
        ClusterPki.open(settings(dataDir), at(NOW.minus(Duration.ofDays(265))));
        X509Certificate before = cert("client-admin");
        assertEquals(NOW.plus(Duration.ofDays(100)), before.getNotAfter().toInstant());

        ClusterPki.open(settings(dataDir), at(NOW));

        X509Certificate after = cert("client-admin");
        assertNotEquals(before.getSerialNumber(), after.getSerialNumber());
        assertEquals(NOW.plus(Duration.ofDays(365)), after.getNotAfter().toInstant());
    }

    @Test
    void reopeningKeepsALeafOutsideTheRenewalWindow() throws IOException {
        // 200 days left: outside the window, so the very same file stays.
        ClusterPki.open(settings(dataDir), at(NOW.minus(Duration.ofDays(165))));
        byte[] before = Files.readAllBytes(tls().resolve("client-admin.crt"));

        ClusterPki.open(settings(dataDir), at(NOW));

        assertArrayEquals(before, Files.readAllBytes(tls().resolve("client-admin.crt")));
    }

    @Test
    void authoritiesAreReusedAcrossReopenEvenWhenLeavesAreRenewed() throws IOException {
        ClusterPki.open(settings(dataDir), at(NOW.minus(Duration.ofDays(300))));
        Map<String, byte[]> before = read("server-ca.crt", "server-ca.key", "client-ca.crt", "request-header-ca.crt",
                "service.key");

        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));

        before.forEach((file, bytes) -> assertArrayEquals(bytes, readUnchecked(tls().resolve(file)), file));
        assertEquals(NOW.plus(Duration.ofDays(365)), cert("client-admin").getNotAfter().toInstant());
        assertEquals(new String(before.get("server-ca.crt")), pki.certificateAuthority().serverCaBundle());
    }

    @Test
    void aNewTlsSanReissuesTheServingCertificateOnly() throws IOException {
        ClusterPki.open(settings(dataDir), at(NOW));
        byte[] serving = Files.readAllBytes(tls().resolve("serving-kube-apiserver.crt"));
        byte[] admin = Files.readAllBytes(tls().resolve("client-admin.crt"));

        ClusterPki.open(TestSettings.withTlsSans(settings(dataDir), List.of("api.example.com", "new.example.org")),
                at(NOW.plus(Duration.ofDays(1))));

        assertFalse(Arrays.equals(serving, Files.readAllBytes(tls().resolve("serving-kube-apiserver.crt"))));
        assertTrue(SubjectAltNames.of(cert("serving-kube-apiserver")).dnsNames().contains("new.example.org"));
        assertArrayEquals(admin, Files.readAllBytes(tls().resolve("client-admin.crt")));
    }

    @Test
    void aCorruptAuthorityFileFailsNamingTheFile() throws IOException {
        ClusterPki.open(settings(dataDir), at(NOW));
        Files.writeString(tls().resolve("client-ca.crt"), "-----BEGIN CERTIFICATE-----\nnot base64!\n");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ClusterPki.open(settings(dataDir), at(NOW)));
        assertTrue(e.getMessage().contains(tls().resolve("client-ca.crt").toString()), e.getMessage());
    }

    @Test
    void anAuthorityWithoutItsKeyFailsInsteadOfBeingRegenerated() throws IOException {
        ClusterPki.open(settings(dataDir), at(NOW));
        byte[] ca = Files.readAllBytes(tls().resolve("server-ca.crt"));
        Files.delete(tls().resolve("server-ca.key"));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ClusterPki.open(settings(dataDir), at(NOW)));
        assertTrue(e.getMessage().contains("server-ca.key"), e.getMessage());
        assertArrayEquals(ca, Files.readAllBytes(tls().resolve("server-ca.crt")));
    }

    @Test
    void invalidSettingsFailBeforeAnyFileIsWritten() {
        assertThrows(IllegalArgumentException.class,
                () -> ClusterPki.open(TestSettings.withServiceCidr(settings(dataDir), "10.43.0.0"), at(NOW)));
        assertTrue(Files.notExists(dataDir.resolve("server")));
    }

    @Test
    void certificatesListsAuthoritiesFirstThenEveryLeaf() {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        List<CertificateStatus> all = pki.certificateAuthority().certificates();

        assertEquals(List.of("server-ca", "client-ca", "request-header-ca", "serving-kube-apiserver", "client-admin",
                "client-kube-apiserver", "client-controller", "client-scheduler", "client-kube-proxy",
                "client-karst-controller", "client-supervisor", "client-auth-proxy"),
                all.stream().map(CertificateStatus::service).toList());
        assertEquals(List.of(true, true, true), all.subList(0, 3).stream().map(CertificateStatus::authority).toList());
        assertFalse(all.get(3).authority());
        assertEquals(tls().resolve("client-admin.crt").toString(), all.get(4).file());
        assertEquals(NOW.plus(Duration.ofDays(365)), all.get(4).notAfter());
    }

    @Test
    void rotateWithAnUnknownNameChangesNothing() throws IOException {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        Map<String, byte[]> before = allFiles();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pki.certificateAuthority().rotate(Set.of("client-admin", "no-such-thing")));

        assertTrue(e.getMessage().contains("no-such-thing"), e.getMessage());
        assertTrue(e.getMessage().contains("serving-kube-apiserver"), e.getMessage());
        assertEquals(before.keySet(), allFiles().keySet());
        before.forEach((file, bytes) -> assertArrayEquals(bytes, allFiles().get(file), file));
        assertThrows(IllegalArgumentException.class, () -> pki.certificateAuthority().rotate(Set.of("server-ca")));
    }

    @Test
    void rotateRenewsOnlyTheNamedLeaves() throws IOException {
        ClusterPki.open(settings(dataDir), at(NOW));
        Map<String, byte[]> before = allFiles();
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW.plus(Duration.ofDays(10))));

        List<CertificateStatus> renewed = pki.certificateAuthority().rotate(Set.of("client-admin"));

        assertEquals(List.of("client-admin"), renewed.stream().map(CertificateStatus::service).toList());
        assertEquals(NOW.plus(Duration.ofDays(375)), renewed.get(0).notAfter());
        Map<String, byte[]> after = allFiles();
        List<String> changed = new ArrayList<>();
        before.forEach((file, bytes) -> {
            if (!Arrays.equals(bytes, after.get(file))) {
                changed.add(file);
            }
        });
        assertEquals(List.of("tls/client-admin.crt", "tls/client-admin.key"), changed);
        assertEquals(renewed.get(0).notAfter(), cert("client-admin").getNotAfter().toInstant());
    }

    @Test
    void rotateWithNoNamesRenewsEveryLeafButNoAuthority() {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        X509Certificate ca = cert("server-ca");

        List<CertificateStatus> renewed = pki.certificateAuthority().rotate(Set.of());

        assertEquals(9, renewed.size());
        assertTrue(renewed.stream().noneMatch(CertificateStatus::authority));
        assertEquals(ca, cert("server-ca"));
        assertEquals(cert("serving-kube-apiserver"), pki.certificateAuthority().apiServing().chain().get(0));
    }

    private Map<String, byte[]> read(String... files) {
        Map<String, byte[]> contents = new TreeMap<>();
        for (String file : files) {
            contents.put(file, readUnchecked(tls().resolve(file)));
        }
        return contents;
    }

    private Map<String, byte[]> allFiles() {
        Path server = dataDir.resolve("server");
        try (Stream<Path> files = Files.walk(server)) {
            Map<String, byte[]> contents = new TreeMap<>();
            files.filter(Files::isRegularFile)
                    .forEach(f -> contents.put(server.relativize(f).toString(), readUnchecked(f)));
            return contents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readUnchecked(Path file) {
        return AtomicFiles.read(file);
    }

    private static InetAddress ip(String literal) {
        return IpLiterals.parse(literal).orElseThrow();
    }
}
