package io.karst.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.launcher.cli.ServerFixture.Run;

class CertificateCommandTest {
    @TempDir
    Path dir;
    ServerFixture server;

    @BeforeEach
    void setUp() {
        server = new ServerFixture(dir);
    }

    private static CertificateCommand at(Duration fromNow) {
        return new CertificateCommand(Clock.fixed(Instant.now().plus(fromNow), ZoneOffset.UTC));
    }

    @Test
    void checkPrintsATableOfEveryCertificate() {
        server.createPki();

        Run run = server.run(new CertificateCommand(), "check", "-o", "table");

        assertEquals(0, run.exit(), run.err());
        List<String> lines = run.lines();
        assertTrue(lines.get(0).matches("SERVICE +FILE +SUBJECT +EXPIRES +DAYS LEFT +STATUS"), run.out());
        assertEquals(13, lines.size(), run.out()); // header, 3 authorities, 9 leaves
        assertTrue(lines.get(1).matches(
                "server-ca +\\S+server-ca\\.crt +.+ +\\d{4}-\\d\\d-\\d\\dT[0-9:]{8}Z +36\\d\\d +OK"),
                lines.get(1));
        assertTrue(run.out().contains("serving-kube-apiserver"));
    }

    @Test
    void checkAsTextIsOneSentencePerCertificate() {
        server.createPki();

        Run run = server.run(new CertificateCommand(), "check");

        assertEquals(12, run.lines().size(), run.out());
        assertTrue(run.lines().stream().anyMatch(l -> l.matches(
                ".+/client-admin\\.crt \\(client-admin\\): OK, expires \\S+Z, 36\\d days left, subject .+")),
                run.out());
    }

    @Test
    void statusFollowsTheRenewalWindowAndExpiry() {
        server.createPki();

        Run warning = server.run(at(Duration.ofDays(300)), "check", "-o", "table");
        Run expired = server.run(at(Duration.ofDays(400)), "check", "-o", "json");

        assertTrue(warning.lines().stream().filter(l -> l.startsWith("client-admin"))
                .allMatch(l -> l.endsWith("WARNING")),
                warning.out());
        assertTrue(warning.lines().stream().filter(l -> l.startsWith("server-ca")).allMatch(l -> l.endsWith("OK")),
                warning.out());
        assertTrue(expired.out().contains("\"service\": \"client-admin\""), expired.out());
        assertTrue(expired.out().contains("\"status\": \"EXPIRED\""), expired.out());
        assertTrue(expired.out().contains("\"daysLeft\": -"), expired.out());
    }

    @Test
    void rotateMapsK3sServiceNames() {
        server.createPki();

        Run run = server.run(new CertificateCommand(), "rotate", "--service", "api-server", "-s", "admin,scheduler");

        assertEquals(0, run.exit(), run.err());
        List<String> renewed = run.lines().stream().filter(l -> l.startsWith("renewed ")).map(l -> l.split(":")[0])
                .sorted().toList();
        assertEquals(List.of("renewed client-admin", "renewed client-kube-apiserver", "renewed client-scheduler",
                "renewed serving-kube-apiserver"), renewed);
        assertEquals("Restart the Karst server to use the renewed certificates.", run.lines().get(4));
    }

    @Test
    void rotateWithoutServiceRenewsEveryLeaf() {
        server.createPki();

        Run run = server.run(new CertificateCommand(), "rotate");

        assertEquals(10, run.lines().size(), run.out());
    }

    @Test
    void unknownServiceIsTheProvidersMessage() {
        server.createPki();

        Run run = server.run(new CertificateCommand(), "rotate", "--service", "etcd");

        assertEquals(1, run.exit());
        assertTrue(run.err().startsWith("karst certificate rotate: unknown certificate service 'etcd'"), run.err());
    }

    @Test
    void refusesADataDirectoryWithoutServerPki() {
        Run run = server.run(new CertificateCommand(), "rotate");

        assertEquals("karst certificate rotate: no Karst server PKI in " + server.dataDir
                + ": start 'karst server' first\n", run.err());
    }

    @Test
    void rejectsUnknownOutputFormat() {
        server.createPki();

        Run run = server.run(new CertificateCommand(), "check", "-o", "yaml");

        assertEquals("karst certificate check: invalid output format \"yaml\": expected one of text, table, json\n",
                run.err());
    }
}
