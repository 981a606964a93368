package io.karst.api.security;

import java.time.Duration;
import java.time.Instant;

/**
 * One managed certificate as {@code karst certificate check} shows it.
 *
 * @param service the component it belongs to, e.g. {@code api-server}, {@code admin}, {@code server-ca}
 * @param file the certificate file
 * @param subject its subject distinguished name
 * @param authority whether it is a certificate authority
 * @param notBefore start of validity
 * @param notAfter end of validity
 */
public record CertificateStatus(String service, String file, String subject, boolean authority, Instant notBefore,
        Instant notAfter) {

    /** Whole days of validity left at {@code now}; negative once expired. */
    public long daysLeft(Instant now) {
        return Math.floorDiv(Duration.between(now, notAfter).toSeconds(), 86_400L);
    }

    /** {@code OK}, {@code WARNING} (within the renewal window) or {@code EXPIRED}, as K3s prints it. */
    public String state(Instant now, Duration renewalWindow) {
        if (!now.isBefore(notAfter)) {
            return "EXPIRED";
        }
        return now.plus(renewalWindow).isBefore(notAfter) ? "OK" : "WARNING";
    }
}
