package io.karst.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.launcher.cli.HostProbe.PortProbe;
import io.karst.launcher.cli.HostProbe.PortState;
import io.karst.launcher.cli.ServerFixture.Run;

/** check-config against a directory laid out like a machine's root, which each test then breaks one way. */
class CheckConfigCommandTest {
    @TempDir
    Path dir;
    Path root;
    Map<String, String> env;
    String os = "Linux";
    Runtime.Version java = Runtime.Version.parse("17.0.15");
    PortProbe ports = (address, port) -> PortState.FREE;

    @BeforeEach
    void healthyMachine() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        file("/proc/sys/kernel/osrelease", "6.1.0-test-amd64\n");
        file("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
        file("/proc/filesystems", "nodev\tsysfs\nnodev\tproc\n\text4\nnodev\toverlay\n");
        file("/proc/modules", "br_netfilter 32768 0 - Live 0x0\nbridge 311296 1 br_netfilter, Live 0x0\n"
                + "veth 36864 0 - Live 0x0\n");
        file("/proc/sys/net/ipv4/ip_forward", "1\n");
        executable("/usr/bin/containerd");
        executable("/usr/sbin/runc");
        executable("/usr/sbin/iptables");
        for (String plugin : List.of("bridge", "host-local", "loopback", "portmap")) {
            executable("/usr/lib/cni/" + plugin);
        }
        Files.createDirectories(root.resolve("var/lib"));
        Path config = Files.writeString(dir.resolve("config.yaml"), "# none\n");
        env = Map.of("KARST_CONFIG_FILE", config.toString());
    }

    private void file(String absolute, String content) throws IOException {
        Path file = root.resolve(absolute.substring(1));
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private void executable(String absolute) throws IOException {
        file(absolute, "#!/bin/sh\n");
        Files.setPosixFilePermissions(root.resolve(absolute.substring(1)),
                PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void delete(String absolute) throws IOException {
        Files.delete(root.resolve(absolute.substring(1)));
    }

    private Run check(String... args) {
        HostProbe probe = new HostProbe(root, List.of("/usr/bin", "/usr/sbin"), os, java, ports);
        return ServerFixture.runExactly(new CheckConfigCommand(e -> probe), List.of(args), env);
    }

    private static Optional<String> line(Run run, String check) {
        return run.lines().stream().filter(l -> l.matches("(pass|warn|fail)  " + check + " +.*")).findFirst();
    }

    @Test
    void healthyMachinePassesEveryCheck() {
        Run run = check();

        assertEquals(0, run.exit(), run.out() + run.err());
        assertEquals(15, run.lines().size(), run.out());
        assertTrue(run.lines().stream().allMatch(l -> l.startsWith("pass  ")), run.out());
        assertEquals("pass  cgroups       cgroup v2 with cpuset cpu io memory hugetlb pids rdma misc",
                line(run, "cgroups").orElseThrow());
        assertEquals("pass  runc          /usr/sbin/runc", line(run, "runc").orElseThrow());
        assertEquals("pass  data dir      /var/lib/karst can be created in /var/lib",
                line(run, "data dir").orElseThrow());
        assertEquals("pass  https port    0.0.0.0:6443 is free", line(run, "https port").orElseThrow());
        assertEquals("pass  ssh port      0.0.0.0:8101 is free", line(run, "ssh port").orElseThrow());
    }

    @Test
    void missingBinaryFailsWithAHint() throws IOException {
        delete("/usr/sbin/runc");

        Run run = check();

        assertEquals(1, run.exit());
        assertEquals("fail  runc          not found on PATH or in " + String.join(", ", HostProbe.SYSTEM_DIRS)
                + " (hint: install runc; containerd starts containers with it)", line(run, "runc").orElseThrow());
    }

    @Test
    void externalRuntimeEndpointMakesContainerdUnnecessary() throws IOException {
        delete("/usr/bin/containerd");

        Run run = check("--container-runtime-endpoint", "unix:///run/k3s/containerd/containerd.sock");

        assertEquals(0, run.exit(), run.out());
        assertTrue(line(run, "containerd").orElseThrow().startsWith("pass  containerd    not needed with"));
    }

    @Test
    void disabledIpForwardingAndInvisibleModulesOnlyWarn() throws IOException {
        file("/proc/sys/net/ipv4/ip_forward", "0\n");
        file("/proc/modules", "");

        Run run = check();

        assertEquals(0, run.exit(), run.out());
        assertTrue(line(run, "ip_forward").orElseThrow().startsWith("warn  ip_forward    disabled (hint: 'sysctl"));
        assertTrue(line(run, "veth").orElseThrow().startsWith("warn  veth          not visible"), run.out());
    }

    @Test
    void moduleVisibleUnderSysModulePasses() throws IOException {
        file("/proc/modules", "");
        Files.createDirectories(root.resolve("sys/module/veth"));
        Files.createDirectories(root.resolve("proc/sys/net/bridge"));

        Run run = check();

        assertTrue(line(run, "veth").orElseThrow().startsWith("pass"), run.out());
        assertTrue(line(run, "br_netfilter").orElseThrow().startsWith("pass"), run.out());
    }

    @Test
    void cgroupV1AndMissingCgroups() throws IOException {
        delete("/sys/fs/cgroup/cgroup.controllers");
        for (String controller : List.of("cpu,cpuacct", "memory", "pids", "unified")) {
            Files.createDirectories(root.resolve("sys/fs/cgroup/" + controller));
        }
        assertEquals("pass  cgroups       cgroup v1 (hybrid)", line(check(), "cgroups").orElseThrow());

        Files.delete(root.resolve("sys/fs/cgroup/memory"));
        assertTrue(line(check(), "cgroups").orElseThrow().startsWith("warn  cgroups       cgroup v1 (hybrid) without"
                + " the memory controller(s)"));
    }

    @Test
    void noCgroupFileSystemFails() throws IOException {
        delete("/sys/fs/cgroup/cgroup.controllers");

        Run run = check();

        assertEquals(1, run.exit());
        assertTrue(line(run, "cgroups").orElseThrow().startsWith("fail"), run.out());
    }

    @Test
    void missingOverlayFails() throws IOException {
        file("/proc/filesystems", "nodev\tsysfs\n\text4\n");

        assertTrue(line(check(), "overlay").orElseThrow().startsWith("fail  overlay       overlay is not in"));
    }

    @Test
    void oldJavaAndOtherSystemsFail() {
        java = Runtime.Version.parse("11.0.2");
        os = "Mac OS X";

        Run run = check();

        assertEquals(1, run.exit());
        assertTrue(line(run, "java").orElseThrow().startsWith("fail  java          Java 11.0.2 is older than 17"));
        assertTrue(line(run, "kernel").orElseThrow().startsWith("fail  kernel        Mac OS X is not Linux"));
    }

    @Test
    void cniPluginsInOptCniBinPassAndAMissingPluginFails() throws IOException {
        for (String plugin : List.of("bridge", "host-local", "loopback", "portmap")) {
            delete("/usr/lib/cni/" + plugin);
            executable("/opt/cni/bin/" + plugin);
        }
        assertEquals("pass  cni plugins   /opt/cni/bin has bridge, host-local, loopback, portmap",
                line(check(), "cni plugins").orElseThrow());

        delete("/opt/cni/bin/portmap");
        assertTrue(line(check(), "cni plugins").orElseThrow().startsWith("fail  cni plugins   missing in /opt/cni/bin:"
                + " portmap (hint:"));
    }

    @Test
    void dataDirThatIsAFileFails() throws IOException {
        file("/srv/karst", "not a directory");

        Run run = check("--data-dir", "/srv/karst");

        assertEquals("fail  data dir      /srv/karst is not a directory (hint: choose another --data-dir)",
                line(run, "data dir").orElseThrow());
    }

    @Test
    void httpsPortInUseOnTheBindAddressFailsWithTheRealProbe() throws IOException {
        ports = PortProbe.LOCAL;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            Run run = check("--bind-address", "127.0.0.1", "--https-listen-port", String.valueOf(port),
                    "--admin-ssh-port", "0");

            assertEquals(1, run.exit());
            assertEquals("fail  https port    127.0.0.1:" + port + " is in use (hint: stop what listens there, or"
                    + " choose --https-listen-port)", line(run, "https port").orElseThrow());
            assertTrue(line(run, "ssh port").isEmpty());
        }
    }

    @Test
    void configurationErrorsAndPositionalArguments() {
        Run invalid = check("--bind-address", "everywhere");
        Run positional = check("extra");

        assertEquals(1, invalid.exit());
        assertTrue(invalid.err().startsWith("karst check-config: invalid bind-address \"everywhere\""));
        assertEquals("karst check-config: unexpected argument \"extra\"\n", positional.err());
        assertEquals(new ArrayList<String>(), positional.lines());
    }
}
