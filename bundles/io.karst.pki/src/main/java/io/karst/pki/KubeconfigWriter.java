package io.karst.pki;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Set;

/**
 * Writes the admin kubeconfig ({@code --write-kubeconfig}) the way K3s does: one cluster, user and context all
 * named {@code default}, pointing at the loopback address, with the server CA and the {@code client-admin}
 * certificate embedded. Hand-written YAML is enough because every value is base64 or a fixed word.
 */
public final class KubeconfigWriter {
    private final Path file;
    private final Set<PosixFilePermission> permissions;
    private final int httpsPort;

    public KubeconfigWriter(Path file, Set<PosixFilePermission> permissions, int httpsPort) {
        this.file = file;
        this.permissions = Set.copyOf(permissions);
        this.httpsPort = httpsPort;
    }

    /** Replaces the kubeconfig atomically. */
    public void write(String serverCaPem, IssuedCertificate admin) {
        AtomicFiles.write(file, render(serverCaPem, admin).getBytes(StandardCharsets.UTF_8), permissions);
    }

    /** The kubeconfig YAML. */
    public String render(String serverCaPem, IssuedCertificate admin) {
        return String.join("\n",
                "apiVersion: v1",
                "clusters:",
                "- cluster:",
                "    certificate-authority-data: " + base64(serverCaPem),
                "    server: https://127.0.0.1:" + httpsPort,
                "  name: default",
                "contexts:",
                "- context:",
                "    cluster: default",
                "    user: default",
                "  name: default",
                "current-context: default",
                "kind: Config",
                "preferences: {}",
                "users:",
                "- name: default",
                "  user:",
                "    client-certificate-data: " + base64(PemFiles.encode(admin.certificate())),
                "    client-key-data: " + base64(PemFiles.encode(admin.key(), admin.certificate().getPublicKey())),
                "");
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
