package io.karst.launcher.config;

import java.util.regex.Pattern;

/** Kubernetes' syntax for label keys and values and DNS names (apimachinery's validation, same limits). */
final class KubernetesNames {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(DNS_LABEL + "(\\." + DNS_LABEL + ")*");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern HOST_NAME = Pattern.compile(
            "(\\*\\.)?[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*");

    private KubernetesNames() {
    }

    /** A lowercase RFC 1123 subdomain of at most 253 characters, as node names and DNS domains must be. */
    static boolean isDnsSubdomain(String text) {
        return text.length() <= 253 && DNS_SUBDOMAIN.matcher(text).matches();
    }

    /** A label key: an optional DNS subdomain prefix and {@code /}, then a name of at most 63 characters. */
    static boolean isLabelKey(String key) {
        int slash = key.indexOf('/');
        String name = key;
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (!isDnsSubdomain(prefix)) {
                return false;
            }
        }
        return name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches();
    }

    /** A label value: empty, or at most 63 characters starting and ending with a letter or digit. */
    static boolean isLabelValue(String value) {
        return value.isEmpty() || (value.length() <= 63 && QUALIFIED_NAME.matcher(value).matches());
    }

    /** A host name for a certificate SAN, case-insensitive, optionally a {@code *.} wildcard. */
    static boolean isHostName(String text) {
        return text.length() <= 253 && HOST_NAME.matcher(text).matches();
    }
}
