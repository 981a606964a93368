package io.karst.apiserver.authorization;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Whether one set of PolicyRules covers another, as upstream's RBAC validation ({@code Covers},
 * {@code BreakdownRule}, {@code CompactRules}, {@code CompactString}): the rules asked for are broken into one verb
 * on one resource (or URL) each, and every piece must be covered by a single rule held; what is not is given back
 * merged again per resource, for the escalation refusal's message.
 */
final class RuleCoverage {
    private static final String ALL = "*";

    private RuleCoverage() {
    }

    /** The pieces of {@code requested} no rule of {@code held} covers, compacted; empty when all are covered. */
    static List<PolicyRule> uncovered(List<PolicyRule> held, List<PolicyRule> requested) {
        List<PolicyRule> missing = new ArrayList<>();
        for (PolicyRule rule : requested) {
            for (PolicyRule piece : breakdown(rule)) {
                if (held.stream().noneMatch(h -> covers(h, piece))) {
                    missing.add(piece);
                }
            }
        }
        return compact(missing);
    }

    static List<PolicyRule> breakdown(PolicyRule rule) {
        List<PolicyRule> pieces = new ArrayList<>();
        for (String group : rule.apiGroups()) {
            for (String resource : rule.resources()) {
                for (String verb : rule.verbs()) {
                    if (rule.resourceNames().isEmpty()) {
                        pieces.add(new PolicyRule(List.of(verb), List.of(group), List.of(resource), List.of(),
                                List.of()));
                    }
                    for (String name : rule.resourceNames()) {
                        pieces.add(new PolicyRule(List.of(verb), List.of(group), List.of(resource), List.of(name),
                                List.of()));
                    }
                }
            }
        }
        // URLs only combine with verbs
        for (String url : rule.nonResourceURLs()) {
            for (String verb : rule.verbs()) {
                pieces.add(new PolicyRule(List.of(verb), List.of(), List.of(), List.of(), List.of(url)));
            }
        }
        return pieces;
    }

    static boolean covers(PolicyRule owner, PolicyRule piece) {
        boolean verbs = owner.verbs().contains(ALL) || owner.verbs().containsAll(piece.verbs());
        boolean groups = owner.apiGroups().contains(ALL) || owner.apiGroups().containsAll(piece.apiGroups());
        boolean names = owner.resourceNames().isEmpty()
                || !piece.resourceNames().isEmpty() && owner.resourceNames().containsAll(piece.resourceNames());
        return verbs && groups && resourcesCovered(owner.resources(), piece.resources()) && names
                && urlsCovered(owner.nonResourceURLs(), piece.nonResourceURLs());
    }

    private static boolean resourcesCovered(List<String> held, List<String> asked) {
        if (held.contains(ALL)) {
            return true;
        }
        for (String resource : asked) {
            if (held.contains(resource)) {
                continue;
            }
            int slash = resource.indexOf('/');
            // a subresource is also covered by */<subresource>
            if (slash < 0 || !held.contains("*/" + resource.substring(slash + 1))) {
                return false;
            }
        }
        return true;
    }

    private static boolean urlsCovered(List<String> held, List<String> asked) {
        for (String url : asked) {
            boolean covered = false;
            for (String owner : held) {
                if (owner.equals(url) || owner.endsWith(ALL) && url.startsWith(stripStars(owner))) {
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                return false;
            }
        }
        return true;
    }

    private static String stripStars(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '*') {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * Merges the verbs of rules on the same single group, resource and (at most one) resource name, as upstream's
     * CompactRules; other rules stay as they are.
     */
    static List<PolicyRule> compact(List<PolicyRule> rules) {
        List<PolicyRule> out = new ArrayList<>();
        Map<List<String>, List<String>> verbsBySimpleResource = new LinkedHashMap<>();
        for (PolicyRule rule : rules) {
            if (rule.resourceNames().size() <= 1 && rule.nonResourceURLs().isEmpty() && rule.apiGroups().size() == 1
                    && rule.resources().size() == 1) {
                List<String> key = new ArrayList<>(List.of(rule.apiGroups().get(0), rule.resources().get(0)));
                key.addAll(rule.resourceNames());
                List<String> verbs = verbsBySimpleResource.computeIfAbsent(List.copyOf(key), k -> new ArrayList<>());
                for (String verb : rule.verbs()) {
                    if (!verbs.contains(verb)) {
                        verbs.add(verb);
                    }
                }
            } else {
                out.add(rule);
            }
        }
        verbsBySimpleResource.forEach((key, verbs) -> out.add(new PolicyRule(verbs, List.of(key.get(0)),
                List.of(key.get(1)), key.subList(2, key.size()), List.of())));
        return out;
    }

    /** Upstream's CompactString: the non-empty fields in Go's {@code %q} form, e.g. {@code Verbs:["get" "list"]}. */
    static String describe(PolicyRule rule) {
        List<String> parts = new ArrayList<>();
        field(parts, "APIGroups", rule.apiGroups());
        field(parts, "Resources", rule.resources());
        field(parts, "NonResourceURLs", rule.nonResourceURLs());
        field(parts, "ResourceNames", rule.resourceNames());
        field(parts, "Verbs", rule.verbs());
        return "{" + String.join(", ", parts) + "}";
    }

    private static void field(List<String> parts, String name, List<String> values) {
        if (!values.isEmpty()) {
            parts.add(name + ":" + goQuoted(values));
        }
    }

    /** Go's {@code %q} of a string slice: each element quoted, separated by spaces, in brackets. */
    static String goQuoted(List<String> values) {
        return values.stream().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(" ", "[", "]"));
    }
}
