package io.karst.pki;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import io.karst.api.security.PkiSettings;

/** Settings and clocks shared by the tests. */
final class TestSettings {
    /** A fixed "now" so validity windows are exact. */
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private TestSettings() {
    }

    static PkiSettings settings(Path dataDir) {
        return new PkiSettings(dataDir, "node-1", List.of("192.168.1.10"), List.of("api.example.com", "203.0.113.7"),
                "cluster.local", "10.43.0.0/16", 6443, Optional.empty(), Optional.empty(), "0600");
    }

    static PkiSettings withTlsSans(PkiSettings s, List<String> tlsSans) {
        return new PkiSettings(s.dataDir(), s.nodeName(), s.nodeIps(), tlsSans, s.clusterDomain(), s.serviceCidr(),
                s.httpsPort(), s.token(), s.kubeconfig(), s.kubeconfigMode());
    }

    static PkiSettings withToken(PkiSettings s, String token) {
        return new PkiSettings(s.dataDir(), s.nodeName(), s.nodeIps(), s.tlsSans(), s.clusterDomain(),
                s.serviceCidr(), s.httpsPort(), Optional.of(token), s.kubeconfig(), s.kubeconfigMode());
    }

    static PkiSettings withServiceCidr(PkiSettings s, String cidr) {
        return new PkiSettings(s.dataDir(), s.nodeName(), s.nodeIps(), s.tlsSans(), s.clusterDomain(), cidr,
                s.httpsPort(), s.token(), s.kubeconfig(), s.kubeconfigMode());
    }

    static PkiSettings withKubeconfig(PkiSettings s, Path file, String mode, int port) {
        return new PkiSettings(s.dataDir(), s.nodeName(), s.nodeIps(), s.tlsSans(), s.clusterDomain(),
                s.serviceCidr(), port, s.token(), Optional.of(file), mode);
    }

    static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }
}
