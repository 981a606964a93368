package io.karst.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.launcher.cli.ServerFixture.Run;

class KubectlCommandTest {
    @TempDir
    Path dir;

    /** A kubectl that writes its KUBECONFIG and arguments, one per line, to $RECORD and exits 3. */
    private Path fakeKubectl(Path binDir) throws IOException {
        Files.createDirectories(binDir);
        Path script = binDir.resolve("kubectl");
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$KUBECONFIG\" \"$@\" > \"$RECORD\"\nexit 3\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private Map<String, String> env(String... pairs) throws IOException {
        Path config = dir.resolve("config.yaml");
        if (!Files.exists(config)) {
            Files.writeString(config, "# none\n");
        }
        Map<String, String> env = new HashMap<>(Map.of("KARST_CONFIG_FILE", config.toString(),
                "RECORD", dir.resolve("record").toString(), "PATH", ""));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private List<String> recorded() throws IOException {
        return Files.readAllLines(dir.resolve("record"));
    }

    @Test
    void runsKarstKubectlWithKubeconfigFromTheEnvironmentAndReturnsItsExitCode() throws Exception {
        Path kubectl = fakeKubectl(dir.resolve("bin"));

        Run run = ServerFixture.runExactly(new KubectlCommand(dir.resolve("none")), List.of("get", "pods", "-A"),
                env("KARST_KUBECTL", kubectl.toString(), "KUBECONFIG", "/home/me/.kube/config"));

        assertEquals(3, run.exit(), run.err());
        assertEquals(List.of("/home/me/.kube/config", "get", "pods", "-A"), recorded());
    }

    @Test
    void usesTheServersWriteKubeconfigFromConfigFiles() throws Exception {
        Path kubectl = fakeKubectl(dir.resolve("bin"));
        Path kubeconfig = Files.writeString(dir.resolve("karst.yaml"), "apiVersion: v1\n");
        Files.writeString(dir.resolve("config.yaml"), "write-kubeconfig: " + kubeconfig + "\n");

        Run run = ServerFixture.runExactly(new KubectlCommand(dir.resolve("none")), List.of("--data-dir", "x"),
                env("PATH", kubectl.getParent().toString()));

        assertEquals(3, run.exit(), run.err());
        assertEquals(List.of(kubeconfig.toString(), "--data-dir", "x"), recorded());
    }

    @Test
    void missingKubeconfigIsAClearError() throws Exception {
        Path kubectl = fakeKubectl(dir.resolve("bin"));

        Run run = ServerFixture.runExactly(new KubectlCommand(dir.resolve("none")), List.of("get", "nodes"),
                env("KARST_KUBECTL", kubectl.toString(), "KARST_KUBECONFIG_OUTPUT", dir.resolve("no.yaml").toString()));

        assertEquals(1, run.exit());
        assertEquals("karst kubectl: no readable kubeconfig at " + dir.resolve("no.yaml") + " (write-kubeconfig from"
                + " environment KARST_KUBECONFIG_OUTPUT): start 'karst server' first, run as a user who can read it,"
                + " or set KUBECONFIG\n", run.err());
    }

    @Test
    void skipsAKubectlOnPathThatIsKarstItself() throws Exception {
        Path karstBin = Files.createDirectories(dir.resolve("karst/bin"));
        Path karst = Files.writeString(karstBin.resolve("karst"), "#!/bin/sh\nexit 99\n");
        Files.setPosixFilePermissions(karst, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(karstBin.resolve("kubectl"), karst);
        Path real = fakeKubectl(dir.resolve("usr/bin"));

        Run run = ServerFixture.runExactly(new KubectlCommand(dir.resolve("none")), List.of("version"),
                env("KUBECONFIG", "/kc", "PATH", karstBin + ":" + real.getParent()));

        assertEquals(3, run.exit(), run.err());
    }

    @Test
    void fallsBackToTheGoogleCloudSdkKubectlAndFailsClearlyWithout() throws Exception {
        Path lastResort = fakeKubectl(dir.resolve("sdk/bin"));

        assertEquals(3, ServerFixture.runExactly(new KubectlCommand(lastResort), List.of(), env("KUBECONFIG", "/kc"))
                .exit());
        Run none = ServerFixture.runExactly(new KubectlCommand(dir.resolve("none")), List.of(),
                env("KUBECONFIG", "/kc"));
        assertEquals(1, none.exit());
        assertEquals("karst kubectl: kubectl not found: set KARST_KUBECTL or put kubectl on PATH\n", none.err());
    }

    @Test
    void defaultLastResortIsTheGoogleCloudSdkPath() {
        assertEquals("/usr/lib/google-cloud-sdk/bin/kubectl", KubectlCommand.GOOGLE_CLOUD_SDK_KUBECTL.toString());
    }
}
