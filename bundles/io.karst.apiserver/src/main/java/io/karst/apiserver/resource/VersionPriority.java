package io.karst.apiserver.resource;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes version ordering as discovery uses it: GA before beta before alpha, higher numbers first, then
 * anything that is not a Kubernetes-style version, alphabetically.
 */
public final class VersionPriority {
    private static final Pattern KUBE_VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

    public static final Comparator<String> NEWEST_FIRST = (a, b) -> {
        int[] ka = key(a);
        int[] kb = key(b);
        for (int i = 0; i < ka.length; i++) {
            if (ka[i] != kb[i]) {
                return Integer.compare(kb[i], ka[i]);
            }
        }
        return a.compareTo(b);
    };

    private VersionPriority() {
    }

    private static int[] key(String version) {
        Matcher m = KUBE_VERSION.matcher(version);
        if (!m.matches()) {
            return new int[] {0, 0, 0};
        }
        int stability = m.group(2) == null ? 3 : m.group(2).equals("beta") ? 2 : 1;
        int minor = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return new int[] {stability, Integer.parseInt(m.group(1)), minor};
    }
}
