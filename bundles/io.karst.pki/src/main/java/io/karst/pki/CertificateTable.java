package io.karst.pki;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import io.karst.api.security.CertificateStatus;

/**
 * The certificate listing {@code karst:certificates} (and {@code karst certificate check}) print, as plain rows so
 * each front end renders it with its own table.
 */
public final class CertificateTable {
    /** The column headings. */
    public static final List<String> HEADER = List.of("SERVICE", "FILE", "SUBJECT", "EXPIRES", "DAYS LEFT", "STATUS");

    private CertificateTable() {
    }

    /** The heading row followed by one row per certificate, judged at {@code now}. */
    public static List<List<String>> rows(List<CertificateStatus> certificates, Instant now) {
        return rows(certificates, now, ClusterCertificates.RENEWAL_WINDOW);
    }

    /** As {@link #rows(List, Instant)}, with an explicit renewal window for the STATUS column. */
    public static List<List<String>> rows(List<CertificateStatus> certificates, Instant now, Duration window) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (CertificateStatus c : certificates) {
            rows.add(List.of(c.service(), c.file(), c.subject(),
                    DateTimeFormatter.ISO_INSTANT.format(c.notAfter().truncatedTo(ChronoUnit.SECONDS)),
                    Long.toString(c.daysLeft(now)), c.state(now, window)));
        }
        return rows;
    }
}
