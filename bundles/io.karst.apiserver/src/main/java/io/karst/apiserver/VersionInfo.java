package io.karst.apiserver;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code /version} document ({@code k8s.io/apimachinery/pkg/version.Info}). The Kubernetes level and the Karst
 * release come from this bundle's manifest headers, which the build writes.
 */
final class VersionInfo {
    private static final Pattern SEMVER = Pattern.compile("v(\\d+)\\.(\\d+)\\.\\d+.*");

    private final Map<String, String> fields;

    VersionInfo(String kubernetesVersion, String karstVersion, String buildDate) {
        Matcher m = SEMVER.matcher(kubernetesVersion);
        if (!m.matches()) {
            throw new IllegalArgumentException("Kubernetes version must look like v1.33.0: " + kubernetesVersion);
        }
        fields = new LinkedHashMap<>();
        fields.put("major", m.group(1));
        fields.put("minor", m.group(2));
        fields.put("gitVersion", gitVersion(kubernetesVersion, karstVersion));
        fields.put("gitCommit", "");
        fields.put("gitTreeState", "clean");
        fields.put("buildDate", buildDate);
        fields.put("goVersion", "java" + Runtime.version().feature());
        fields.put("compiler", "javac");
        fields.put("platform", System.getProperty("os.name").toLowerCase() + "/" + architecture());
    }

    /** K3s style: the Kubernetes level with the distribution release as build metadata, e.g. v1.33.0+karst0.1.0. */
    static String gitVersion(String kubernetesVersion, String karstVersion) {
        String release = karstVersion.replace("-SNAPSHOT", "").replace(".SNAPSHOT", "");
        return kubernetesVersion + "+karst" + release;
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    Map<String, String> fields() {
        return fields;
    }
}
