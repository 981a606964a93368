package io.karst.launcher.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

import io.karst.launcher.config.IpAddresses.Family;

/** The rules the flag table applies; each names what it expects in the words an error message shows. */
final class ValueRules {
    static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private ValueRules() {
    }

    static ValueRule expecting(String expectation, Predicate<String> accepts) {
        return value -> accepts.test(value) ? Optional.empty() : Optional.of(expectation);
    }

    /** One CIDR, or an IPv4 and an IPv6 one separated by a comma, as K3s takes them for dual-stack clusters. */
    static ValueRule dualStackCidr(String example) {
        return expecting("expected a CIDR like " + example + ", or an IPv4 and an IPv6 CIDR separated by a comma",
                v -> isDualStack(v, true));
    }

    static ValueRule ip() {
        return expecting("expected an IP address like 192.168.1.10", v -> IpAddresses.family(v).isPresent());
    }

    static ValueRule dualStackIp(String example) {
        return expecting("expected an IP address like " + example
                + ", or an IPv4 and an IPv6 address separated by a comma", v -> isDualStack(v, false));
    }

    static ValueRule port(int lowest) {
        return expecting(lowest == 0 ? "expected a port number 1-65535, or 0 to turn it off"
                : "expected a port number 1-65535", v -> isPort(v, lowest));
    }

    /** An octal file mode 0000-0777, with or without its leading zero ({@code 644} as K3s's docs write it). */
    static ValueRule octalMode() {
        ValueRule accepts = expecting("expected an octal file mode 0000-0777 like 0600 or 644",
                v -> v.matches("0?[0-7]{3}"));
        return new ValueRule() {
            @Override
            public Optional<String> problem(String value) {
                return accepts.problem(value);
            }

            @Override
            public String normalize(String value) {
                return value.length() == 3 ? "0" + value : value;
            }
        };
    }

    static ValueRule httpsUrl() {
        return expecting("expected an https://host:port URL like https://10.0.0.1:6443", ValueRules::isHttpsUrl);
    }

    static ValueRule label() {
        return value -> {
            int eq = value.indexOf('=');
            if (eq < 0) {
                return Optional.of("expected key=value");
            }
            return keyAndValue(value.substring(0, eq), value.substring(eq + 1), "key=value");
        };
    }

    /** {@code key=value:Effect}, or {@code key:Effect} with an empty value, as kubelet's register-with-taints. */
    static ValueRule taint() {
        return text -> {
            int colon = text.lastIndexOf(':');
            String form = "key=value:Effect";
            if (colon < 0 || !TAINT_EFFECTS.contains(text.substring(colon + 1))) {
                return Optional.of("expected " + form + " with Effect one of " + String.join(", ", TAINT_EFFECTS));
            }
            String keyValue = text.substring(0, colon);
            int eq = keyValue.indexOf('=');
            return eq < 0 ? keyAndValue(keyValue, "", form)
                    : keyAndValue(keyValue.substring(0, eq), keyValue.substring(eq + 1), form);
        };
    }

    static ValueRule oneOf(List<String> allowed) {
        return expecting("expected one of " + String.join(", ", allowed), allowed::contains);
    }

    static ValueRule dnsSubdomain(String example) {
        return expecting("expected a lowercase DNS name like " + example
                + " (letters, digits, '-' and '.'; at most 253 characters)", KubernetesNames::isDnsSubdomain);
    }

    static ValueRule hostOrIp() {
        return expecting("expected a host name or an IP address",
                v -> IpAddresses.family(v).isPresent() || KubernetesNames.isHostName(v));
    }

    static ValueRule datastoreEndpoint() {
        return DatastoreEndpoints::problem;
    }

    /** A CRI socket as K3s takes it: {@code unix:///run/...sock} or an absolute path. */
    static ValueRule runtimeEndpoint() {
        return expecting("expected a socket like unix:///run/containerd/containerd.sock or an absolute path",
                v -> (v.startsWith("unix:///") && v.length() > 8) || v.startsWith("/"));
    }

    static ValueRule nonBlank(String what) {
        return expecting("expected " + what, v -> !v.isBlank());
    }

    static ValueRule imageReference() {
        return expecting("expected an image reference like docker.io/rancher/mirrored-pause:3.6",
                v -> !v.isEmpty() && v.chars().noneMatch(Character::isWhitespace));
    }

    static boolean isPort(String text, int lowest) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int port = Integer.parseInt(text);
        return port >= lowest && port <= 65535;
    }

    /** Go's strconv.ParseBool, which K3s's flags use, plus YAML 1.1's yes/no/on/off. */
    static Optional<Boolean> parseBool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "t", "1", "yes", "y", "on" -> Optional.of(true);
            case "false", "f", "0", "no", "n", "off" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    private static Optional<String> keyAndValue(String key, String value, String form) {
        if (!KubernetesNames.isLabelKey(key)) {
            return Optional.of("expected " + form + " with a key like example.com/name"
                    + " (a name of at most 63 letters, digits, '-', '_' or '.' after an optional DNS prefix)");
        }
        if (!KubernetesNames.isLabelValue(value)) {
            return Optional.of("expected " + form + " with a value of at most 63 letters, digits, '-', '_' or '.'"
                    + " that starts and ends with a letter or digit");
        }
        return Optional.empty();
    }

    private static boolean isDualStack(String text, boolean cidr) {
        String[] parts = text.split(",", -1);
        if (parts.length > 2) {
            return false;
        }
        List<Family> families = new ArrayList<>();
        for (String part : parts) {
            Optional<Family> family = cidr ? IpAddresses.cidrFamily(part.strip()) : IpAddresses.family(part.strip());
            if (family.isEmpty()) {
                return false;
            }
            families.add(family.get());
        }
        // Two entries must be one of each family: K3s's dual-stack pair.
        return families.size() == 1 || families.get(0) != families.get(1);
    }

    private static boolean isHttpsUrl(String text) {
        try {
            URI uri = new URI(text);
            boolean bareHost = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/");
            // K3s's own docs join agents with https://host (port 443 implied), so the port may be left out.
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getUserInfo() == null
                    && bareHost && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && (uri.getPort() == -1 || (uri.getPort() >= 1 && uri.getPort() <= 65535));
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
