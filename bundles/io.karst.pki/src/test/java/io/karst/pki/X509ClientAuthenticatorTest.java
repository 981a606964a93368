package io.karst.pki;

import static io.karst.pki.TestSettings.NOW;
import static io.karst.pki.TestSettings.at;
import static io.karst.pki.TestSettings.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.api.security.AuthenticationException;
import io.karst.api.security.Credentials;
import io.karst.api.security.UserInfo;

class X509ClientAuthenticatorTest {
    @TempDir
    Path dataDir;
    @TempDir
    Path otherDataDir;

    private static Credentials presenting(X509Certificate... chain) {
        return new Credentials(List.of(chain), Optional.empty());
    }

    @Test
    void noClientCertificateIsNotThisAuthenticatorsBusiness() throws Exception {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        assertEquals(Optional.empty(),
                pki.authenticator().authenticate(new Credentials(List.of(), Optional.of("some-bearer-token"))));
    }

    @Test
    void theAdminCertificateIsSystemAdminInSystemMasters() throws Exception {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        X509Certificate admin = pki.certificates().leaf("client-admin").certificate();

        Optional<UserInfo> user = pki.authenticator().authenticate(presenting(admin));

        assertEquals(Optional.of(new UserInfo("system:admin", "", List.of("system:masters", "system:authenticated"),
                Map.of())), user);
    }

    @Test
    void aChainThatIncludesTheClientCaIsAccepted() throws Exception {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        X509Certificate scheduler = pki.certificates().leaf("client-scheduler").certificate();
        X509Certificate clientCa = pki.certificates().authority(ClusterCa.CLIENT).certificate();

        UserInfo user = pki.authenticator().authenticate(presenting(scheduler, clientCa)).orElseThrow();

        assertEquals("system:kube-scheduler", user.name());
        assertEquals(List.of("system:authenticated"), user.groups());
    }

    @Test
    void aCertificateFromAnotherCaIsRejected() {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        ClusterPki foreign = ClusterPki.open(settings(otherDataDir), at(NOW));
        X509Certificate foreignAdmin = foreign.certificates().leaf("client-admin").certificate();

        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> pki.authenticator().authenticate(presenting(foreignAdmin)));
        assertEquals("x509: certificate signed by unknown authority", e.getMessage());
    }

    @Test
    void aCertificateFromTheRequestHeaderCaIsRejected() {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        X509Certificate proxy = pki.certificates().leaf("client-auth-proxy").certificate();

        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> pki.authenticator().authenticate(presenting(proxy)));
        assertEquals("x509: certificate signed by unknown authority", e.getMessage());
    }

    @Test
    void anExpiredCertificateIsRejected() {
        // Issued 400 days ago, so it expired 35 days ago; reopening today renews the files but not this object.
        ClusterPki old = ClusterPki.open(settings(dataDir), at(NOW.minus(Duration.ofDays(400))));
        X509Certificate expired = old.certificates().leaf("client-admin").certificate();
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));

        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> pki.authenticator().authenticate(presenting(expired)));
        assertTrue(e.getMessage().startsWith("x509: certificate has expired or is not yet valid"), e.getMessage());
    }

    @Test
    void aCertificateAcceptedOnceIsRejectedWhenItExpiresLater() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        ClusterPki pki = ClusterPki.open(settings(dataDir), clock);
        X509Certificate admin = pki.certificates().leaf("client-admin").certificate();
        pki.authenticator().authenticate(presenting(admin)).orElseThrow();

        clock.advance(Duration.ofDays(400));

        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> pki.authenticator().authenticate(presenting(admin)));
        assertTrue(e.getMessage().startsWith("x509: certificate has expired or is not yet valid"), e.getMessage());
    }

    @Test
    void anAcceptedCertificateDoesNotLetAForeignOneWithTheSameNameIn() throws Exception {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        X509Certificate admin = pki.certificates().leaf("client-admin").certificate();
        X509Certificate foreignAdmin = ClusterPki.open(settings(otherDataDir), at(NOW)).certificates()
                .leaf("client-admin").certificate();
        pki.authenticator().authenticate(presenting(admin)).orElseThrow();

        assertThrows(AuthenticationException.class, () -> pki.authenticator().authenticate(presenting(foreignAdmin)));
        assertEquals("system:admin", pki.authenticator().authenticate(presenting(admin)).orElseThrow().name());
    }

    @Test
    void aServerOnlyCertificateSignedByTheClientCaIsRejected() {
        ClusterPki pki = ClusterPki.open(settings(dataDir), at(NOW));
        LeafSpec serverOnly = new LeafSpec("odd", ClusterCa.CLIENT, "someone", List.of(), KeyPurpose.SERVER_AUTH,
                SubjectAltNames.none());
        X509Certificate cert = new CertificateIssuer(at(NOW), new SecureRandom())
                .issue(serverOnly, pki.certificates().authority(ClusterCa.CLIENT)).certificate();

        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> pki.authenticator().authenticate(presenting(cert)));
        assertEquals("x509: certificate specifies an incompatible key usage", e.getMessage());
    }
}
