package io.karst.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class RuleCoverageTest {
    private static PolicyRule rule(List<String> verbs, List<String> groups, List<String> resources,
            List<String> names) {
        return new PolicyRule(verbs, groups, resources, names, List.of());
    }

    private static PolicyRule url(List<String> verbs, List<String> urls) {
        return new PolicyRule(verbs, List.of(), List.of(), List.of(), urls);
    }

    @Test
    void wildcardsCoverEverythingOfTheirKind() {
        List<PolicyRule> admin = List.of(rule(List.of("*"), List.of("*"), List.of("*"), List.of()));
        assertTrue(RuleCoverage.uncovered(admin, List.of(rule(List.of("get", "delete"), List.of("", "apps"),
                List.of("pods", "deployments/scale"), List.of("x")))).isEmpty());
        assertEquals(List.of(url(List.of("get"), List.of("/metrics"))),
                RuleCoverage.uncovered(admin, List.of(url(List.of("get"), List.of("/metrics")))),
                "resource rules never cover paths");
    }

    @Test
    void eachVerbAndResourceIsCheckedOnItsOwnAndTheMissingOnesAreMergedPerResource() {
        List<PolicyRule> held = List.of(rule(List.of("get", "list"), List.of(""), List.of("pods"), List.of()));
        List<PolicyRule> missing = RuleCoverage.uncovered(held, List.of(rule(List.of("get", "list", "delete",
                "create"), List.of(""), List.of("pods", "secrets"), List.of())));
        assertEquals(List.of(rule(List.of("delete", "create"), List.of(""), List.of("pods"), List.of()),
                rule(List.of("get", "list", "delete", "create"), List.of(""), List.of("secrets"), List.of())),
                missing);
        assertEquals("{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\" \"delete\" \"create\"]}",
                RuleCoverage.describe(missing.get(1)));
    }

    @Test
    void resourceNamesNarrowWhatARuleCovers() {
        List<PolicyRule> named = List.of(rule(List.of("get"), List.of(""), List.of("configmaps"), List.of("a")));
        assertTrue(RuleCoverage.uncovered(named, List.of(rule(List.of("get"), List.of(""), List.of("configmaps"),
                List.of("a")))).isEmpty());
        List<PolicyRule> all = List.of(rule(List.of("get"), List.of(""), List.of("configmaps"), List.of()));
        List<PolicyRule> missing = RuleCoverage.uncovered(named, all);
        assertEquals(all, missing, "a rule for one name does not cover every name");
        assertEquals("{APIGroups:[\"\"], Resources:[\"configmaps\"], ResourceNames:[\"b\"], Verbs:[\"get\"]}",
                RuleCoverage.describe(RuleCoverage.uncovered(named, List.of(rule(List.of("get"), List.of(""),
                        List.of("configmaps"), List.of("a", "b")))).get(0)));
    }

    @Test
    void aStarSubresourceCoversThatSubresourceOfAnyResourceOnly() {
        List<PolicyRule> held = List.of(rule(List.of("get"), List.of("apps"), List.of("*/scale"), List.of()));
        assertTrue(RuleCoverage.covers(held.get(0), rule(List.of("get"), List.of("apps"),
                List.of("deployments/scale"), List.of())));
        assertFalse(RuleCoverage.covers(held.get(0), rule(List.of("get"), List.of("apps"), List.of("deployments"),
                List.of())));
    }

    @Test
    void aUrlEndingInAStarCoversItsPrefix() {
        PolicyRule held = url(List.of("get"), List.of("/healthz/*"));
        assertTrue(RuleCoverage.covers(held, url(List.of("get"), List.of("/healthz/etcd"))));
        assertFalse(RuleCoverage.covers(held, url(List.of("get"), List.of("/livez"))));
        assertFalse(RuleCoverage.covers(held, url(List.of("post"), List.of("/healthz/etcd"))));
        assertEquals("{NonResourceURLs:[\"/livez\"], Verbs:[\"get\"]}",
                RuleCoverage.describe(url(List.of("get"), List.of("/livez"))));
    }
}
