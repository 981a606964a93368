package io.karst.pki;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.karst.api.security.PkiSettings;

/**
 * The DNS names and IP addresses a certificate is valid for. DNS names are kept in lower case because DNS
 * compares them case-insensitively; addresses are compared as bytes, so {@code ::1} equals {@code 0:0:0:0:0:0:0:1}.
 */
public record SubjectAltNames(Set<String> dnsNames, Set<InetAddress> addresses) {
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    public SubjectAltNames {
        // Insertion order is kept so certificates list their names in the order settings give them.
        dnsNames = Collections.unmodifiableSet(new LinkedHashSet<>(dnsNames));
        addresses = Collections.unmodifiableSet(new LinkedHashSet<>(addresses));
    }

    /** No names: client certificates. */
    public static SubjectAltNames none() {
        return new SubjectAltNames(Set.of(), Set.of());
    }

    /**
     * What the API serving certificate must name, as K3s lists it: the node, its addresses, each
     * {@code --tls-san}, the {@code kubernetes} Service's names and address, and the loopback names.
     */
    public static SubjectAltNames forApiServing(PkiSettings settings) {
        Set<String> dns = new LinkedHashSet<>();
        Set<InetAddress> ips = new LinkedHashSet<>();
        if (settings.nodeName() != null && !settings.nodeName().isBlank()) {
            addNameOrAddress(settings.nodeName(), dns, ips);
        }
        for (String ip : settings.nodeIps()) {
            ips.add(IpLiterals.parse(ip).orElseThrow(
                    () -> new IllegalArgumentException("node IP '" + ip + "' is not an IP address")));
        }
        for (String san : settings.tlsSans()) {
            if (!san.isBlank()) {
                addNameOrAddress(san, dns, ips);
            }
        }
        String domain = settings.clusterDomain() == null || settings.clusterDomain().isBlank() ? "cluster.local"
                : settings.clusterDomain().strip();
        dns.addAll(List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc." + domain.toLowerCase(Locale.ROOT), "localhost"));
        ips.addAll(ServiceNetwork.firstAddresses(settings.serviceCidr()));
        ips.add(IpLiterals.parse("127.0.0.1").orElseThrow());
        ips.add(IpLiterals.parse("::1").orElseThrow());
        return new SubjectAltNames(dns, ips);
    }

    /** The names in a certificate's subjectAltName extension. */
    public static SubjectAltNames of(X509Certificate certificate) {
        Set<String> dns = new LinkedHashSet<>();
        Set<InetAddress> ips = new LinkedHashSet<>();
        Collection<List<?>> entries;
        try {
            entries = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return none();
        }
        if (entries != null) {
            for (List<?> entry : entries) {
                int type = (Integer) entry.get(0);
                String value = String.valueOf(entry.get(1));
                if (type == DNS_NAME) {
                    dns.add(value.toLowerCase(Locale.ROOT));
                } else if (type == IP_ADDRESS) {
                    IpLiterals.parse(value).ifPresent(ips::add);
                }
            }
        }
        return new SubjectAltNames(dns, ips);
    }

    /** Whether these names include every name of {@code wanted}. */
    public boolean covers(SubjectAltNames wanted) {
        return dnsNames.containsAll(wanted.dnsNames) && addresses.containsAll(wanted.addresses);
    }

    public boolean isEmpty() {
        return dnsNames.isEmpty() && addresses.isEmpty();
    }

    private static void addNameOrAddress(String value, Set<String> dns, Set<InetAddress> ips) {
        IpLiterals.parse(value).ifPresentOrElse(ips::add, () -> dns.add(value.strip().toLowerCase(Locale.ROOT)));
    }
}
