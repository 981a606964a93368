package io.karst.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"10.42.0.0/16", "0.0.0.0/0", "192.168.1.7/32", "2001:cafe:42::/56", "::/0", "fd00::/128"})
    void acceptsCidrs(String cidr) {
        assertTrue(IpAddresses.cidrFamily(cidr).isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.42.0.0", "10.42.0.0/33", "10.42.0/16", "010.42.0.0/16", "fd00::/129", "a.b.c.d/8",
        "10.42.0.0/", "10.42.0.0/+8", "example.com/24", "[fd00::]/64"})
    void rejectsNonCidrs(String text) {
        assertTrue(IpAddresses.cidrFamily(text).isEmpty(), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "1.2.3", "1.2.3.4.5", "256.1.1.1", "fe80::1%eth0", "1:2:3", "::g", ""})
    void rejectsNonAddressesWithoutResolvingThem(String text) {
        assertTrue(IpAddresses.family(text).isEmpty(), text);
    }

    @Test
    void dualStackPairMustBeOneOfEachFamily() {
        ValueRule rule = ValueRules.dualStackCidr("10.42.0.0/16");

        assertEquals(Optional.empty(), rule.problem("10.42.0.0/16,2001:cafe:42::/56"));
        assertEquals(Optional.empty(), rule.problem("2001:cafe:42::/56, 10.42.0.0/16"));
        assertTrue(rule.problem("fd00::/64,fd01::/64").isPresent());
        assertTrue(rule.problem("10.42.0.0/16,2001:cafe:42::/56,10.1.0.0/16").isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite://", "sqlite:///var/lib/karst/server/db/state.db?_journal=WAL&cache=shared",
        "postgres://karst:secret@db.example.com:5432/karst?sslmode=verify-full", "postgresql://db/karst",
        "postgres://u:p@[fd00::5]:5432/k", "mysql://karst:secret@tcp(db.example.com:3306)/karst",
        "mysql://karst:secret@tcp(10.0.0.5)/karst?tls=true", "mysql://karst@unix(/run/mysqld/mysqld.sock)/karst",
        "mysql://karst:p@ss@tcp(db:3306)/karst"})
    void acceptsK3sDatastoreEndpoints(String endpoint) {
        assertEquals(Optional.empty(), DatastoreEndpoints.problem(endpoint));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres://", "postgres://u:p@:5432/k", "postgres://db:0/k", "postgres://db/k/extra",
        "mysql://u:p@db:3306/k", "mysql://u:p@tcp(db:70000)/k", "mysql://u:p@tcp(db:3306)", "http://db:5432",
        "db:5432", "sqlite:// /x"})
    void rejectsMalformedDatastoreEndpoints(String endpoint) {
        assertTrue(DatastoreEndpoints.problem(endpoint).isPresent(), endpoint);
    }

    @Test
    void redactsDatastorePasswords() {
        assertEquals("postgres://karst:***@db:5432/karst",
                DatastoreEndpoints.redact("postgres://karst:pw@db:5432/karst"));
        assertEquals("mysql://karst:***@tcp(db:3306)/k",
                DatastoreEndpoints.redact("mysql://karst:p@ss@tcp(db:3306)/k"));
        assertEquals("postgres://db/karst", DatastoreEndpoints.redact("postgres://db/karst"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dedicated=gpu:NoSchedule", "example.com/role=edge:PreferNoSchedule",
        "node.kubernetes.io/unreachable:NoExecute", "key=:NoSchedule"})
    void acceptsTaints(String taint) {
        assertEquals(Optional.empty(), ValueRules.taint().problem(taint));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dedicated=gpu", "dedicated=gpu:noschedule", "=gpu:NoSchedule",
        "dedicated=g p u:NoSchedule", "a/b/c=x:NoSchedule"})
    void rejectsTaints(String taint) {
        assertTrue(ValueRules.taint().problem(taint).isPresent(), taint);
    }

    @Test
    void labelKeysAndValuesFollowKubernetesLimits() {
        assertTrue(KubernetesNames.isLabelKey("app.kubernetes.io/name"));
        assertTrue(KubernetesNames.isLabelKey("a".repeat(63)));
        assertFalse(KubernetesNames.isLabelKey("a".repeat(64)));
        assertFalse(KubernetesNames.isLabelKey("/name"));
        assertTrue(KubernetesNames.isLabelValue(""));
        assertTrue(KubernetesNames.isLabelValue("v1.2_3-x"));
        assertFalse(KubernetesNames.isLabelValue("v1.2_3-"));
        assertFalse(KubernetesNames.isLabelValue("x".repeat(64)));
    }

    @Test
    void httpsUrlMayOmitThePortAsK3sDocsDo() {
        ValueRule rule = ValueRules.httpsUrl();

        assertEquals(Optional.empty(), rule.problem("https://k3s.example.com"));
        assertEquals(Optional.empty(), rule.problem("https://[fd00::1]:6443"));
        assertTrue(rule.problem("https://user@host:6443").isPresent());
        assertTrue(rule.problem("https://host:6443/path").isPresent());
        assertTrue(rule.problem("10.0.0.1:6443").isPresent());
    }

    @Test
    void octalModeIsNormalisedToFourDigits() {
        ValueRule rule = ValueRules.octalMode();

        assertEquals("0644", rule.normalize("644"));
        assertEquals("0600", rule.normalize("0600"));
        assertTrue(rule.problem("0778").isPresent());
        assertTrue(rule.problem("64").isPresent());
    }
}
