package io.karst.apiserver.validation;

import java.util.List;

/**
 * How a resource's object names are checked (upstream's {@code ValidateNameFunc}). {@code prefix} is true when the
 * value is a {@code generateName} that will get random characters appended, so a trailing dash is allowed.
 */
@FunctionalInterface
public interface NameRule {
    List<String> check(String name, boolean prefix);

    /** Most resources: a DNS-1123 subdomain, up to 253 characters. */
    NameRule DNS_SUBDOMAIN = (name, prefix) -> Formats.dns1123Subdomain(prefix ? maskTrailingDash(name) : name);
    /** Namespaces and similar: a DNS-1123 label, up to 63 characters, no dots. */
    NameRule DNS_LABEL = (name, prefix) -> Formats.dns1123Label(prefix ? maskTrailingDash(name) : name);
    /** Services: a DNS-1035 label, which must start with a letter. */
    NameRule DNS1035_LABEL = (name, prefix) -> Formats.dns1035Label(prefix ? maskTrailingDash(name) : name);
    /** RBAC objects and custom resources: anything that is one safe URL path segment. */
    NameRule PATH_SEGMENT = (name, prefix) -> prefix ? Formats.pathSegmentPrefix(name) : Formats.pathSegmentName(name);
    /** Nodes are DNS subdomains. */
    NameRule NODE = DNS_SUBDOMAIN;

    /**
     * Upstream replaces the last two characters of a dash-ended prefix by "a" before checking it, so "web-" passes
     * as a prefix even though a name may not end in a dash.
     */
    static String maskTrailingDash(String name) {
        if (name.length() > 1 && name.endsWith("-")) {
            return name.substring(0, name.length() - 2) + "a";
        }
        return name;
    }
}
