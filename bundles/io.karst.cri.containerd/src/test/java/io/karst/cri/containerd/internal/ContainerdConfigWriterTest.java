package io.karst.cri.containerd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The generated files and paths, without running anything. */
class ContainerdConfigWriterTest {
    private final ContainerdLayout layout = ContainerdLayout.of(Path.of("/var/lib/karst/node \"1\""));

    @Test
    void socketPathStaysShortWhateverTheDataDir() {
        ContainerdLayout deep = ContainerdLayout.of(Path.of("/" + "very-long-directory-name/".repeat(20)));
        assertEquals(deep.socket().toString().length(), layout.socket().toString().length());
        assertTrue(deep.socket().toString().getBytes(StandardCharsets.UTF_8).length < 108);
        assertTrue(deep.socket().startsWith("/run/karst/"));
        assertTrue(!deep.runDir().equals(layout.runDir()), "one state directory per data directory");
    }

    @Test
    void configCarriesTheSettingsThisMachineNeeds() {
        String toml = ContainerdConfigWriter.configToml(layout, "localhost/karst/pause:1.35.0", Path.of("/usr/lib/cni"));
        for (String line : List.of("version = 2", "root = \"/var/lib/karst/node \\\"1\\\"/agent/containerd\"",
                "address = \"" + layout.socket() + "\"", "address = \"\"", "restrict_oom_score_adj = true",
                "sandbox_image = \"localhost/karst/pause:1.35.0\"", "SystemdCgroup = false",
                "Root = \"" + layout.runcRoot() + "\"", "snapshotter = \"overlayfs\"",
                "runtime_type = \"io.containerd.runc.v2\"", "bin_dir = \"/usr/lib/cni\"",
                "stream_server_address = \"127.0.0.1\"", "disable_apparmor = true",
                "config_path = \"/var/lib/karst/node \\\"1\\\"/agent/etc/containerd/certs.d\"",
                "conf_template = \"/var/lib/karst/node \\\"1\\\"/agent/etc/containerd/cni.conflist.template\"")) {
            assertTrue(toml.contains(line), line + " in\n" + toml);
        }
    }

    @Test
    void templateUsesContainerdsVariables() {
        String template = ContainerdConfigWriter.cniTemplate(layout);
        assertTrue(template.contains("{{range $i, $r := .PodCIDRRanges}}"));
        assertTrue(template.contains("{{range $i, $r := .Routes}}"));
        assertTrue(template.contains("\"dataDir\": \"/var/lib/karst/node \\\"1\\\"/agent/cni/networks\""));
        assertTrue(template.contains("\"type\": \"portmap\""));
    }

    @Test
    void importedNamesComeFromCtrsOutput() {
        String output = "unpacking localhost/karst/busybox:1.35.0 (sha256:0123abcd)...done\n"
                + "unpacking docker.io/library/nginx:1.27 (sha256:ffee)...done\n";
        assertEquals(List.of("localhost/karst/busybox:1.35.0", "docker.io/library/nginx:1.27"),
                ArchiveImporter.importedNames(output));
    }
}
