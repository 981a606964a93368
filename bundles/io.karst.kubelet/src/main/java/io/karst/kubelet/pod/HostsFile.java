package io.karst.kubelet.pod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

/** The kubelet-managed {@code /etc/hosts} of a pod: localhost, the pod's own name, and {@code hostAliases}. */
final class HostsFile {
    private HostsFile() {
    }

    static Path write(Path podDir, JsonNode pod, String podIp, String clusterDomain) throws IOException {
        StringBuilder hosts = new StringBuilder("# Kubernetes-managed hosts file.\n")
                .append("127.0.0.1\tlocalhost\n")
                .append("::1\tlocalhost ip6-localhost ip6-loopback\n")
                .append("fe00::0\tip6-localnet\n")
                .append("fe00::0\tip6-mcastprefix\n")
                .append("fe00::1\tip6-allnodes\n")
                .append("fe00::2\tip6-allrouters\n");
        JsonNode spec = pod.path("spec");
        String hostname = spec.path("hostname").asText(pod.path("metadata").path("name").asText());
        if (podIp != null && !podIp.isEmpty()) {
            String subdomain = spec.path("subdomain").asText("");
            if (subdomain.isEmpty()) {
                hosts.append(podIp).append('\t').append(hostname).append('\n');
            } else {
                hosts.append(podIp).append('\t').append(hostname).append('.').append(subdomain).append('.')
                        .append(pod.path("metadata").path("namespace").asText()).append(".svc.").append(clusterDomain).append('\t')
                        .append(hostname).append('\n');
            }
        }
        for (JsonNode alias : spec.path("hostAliases")) {
            hosts.append("\n# Entries added by HostAliases.\n").append(alias.path("ip").asText());
            alias.path("hostnames").forEach(h -> hosts.append('\t').append(h.asText()));
            hosts.append('\n');
        }
        Path file = podDir.resolve("etc-hosts");
        Files.createDirectories(podDir);
        Files.writeString(file, hosts, StandardCharsets.UTF_8);
        return file;
    }
}
