package io.karst.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.karst.api.security.CertificateStatus;

class CertificateTableTest {

    @Test
    void rowsShowExpiryInUtcDaysLeftAndStatusAgainstTheRenewalWindow() {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        List<CertificateStatus> statuses = List.of(
                new CertificateStatus("server-ca", "/d/server-ca.crt", "CN=karst-server-ca@1", true,
                        now.minus(Duration.ofDays(1)), Instant.parse("2036-02-27T12:00:00.250Z")),
                new CertificateStatus("client-admin", "/d/client-admin.crt", "CN=system:admin,O=system:masters",
                        false, now.minus(Duration.ofDays(300)), now.plus(Duration.ofDays(65))),
                new CertificateStatus("client-scheduler", "/d/client-scheduler.crt", "CN=system:kube-scheduler",
                        false, now.minus(Duration.ofDays(400)), now.minus(Duration.ofHours(1))));

        List<List<String>> rows = CertificateTable.rows(statuses, now);

        assertEquals(List.of("SERVICE", "FILE", "SUBJECT", "EXPIRES", "DAYS LEFT", "STATUS"), rows.get(0));
        assertEquals(List.of("server-ca", "/d/server-ca.crt", "CN=karst-server-ca@1", "2036-02-27T12:00:00Z", "3650",
                "OK"), rows.get(1));
        assertEquals(List.of("client-admin", "/d/client-admin.crt", "CN=system:admin,O=system:masters",
                "2026-05-05T12:00:00Z", "65", "WARNING"), rows.get(2));
        assertEquals("-1", rows.get(3).get(4));
        assertEquals("EXPIRED", rows.get(3).get(5));
    }
}
