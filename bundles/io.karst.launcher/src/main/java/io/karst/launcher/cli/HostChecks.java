package io.karst.launcher.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.karst.launcher.config.ResolvedConfig;

/**
 * What {@code karst check-config} checks, as data: the kernel modules, binaries and CNI plugins a node needs are
 * tables, so adding one is a line, and every check reads the machine only through a {@link HostProbe}.
 */
final class HostChecks {
    static final int MINIMUM_JAVA = 17;
    static final List<String> CGROUP_CONTROLLERS = List.of("cpu", "memory", "pids");
    static final List<String> CNI_DIRS = List.of("/usr/lib/cni", "/opt/cni/bin");
    static final List<String> CNI_PLUGINS = List.of("bridge", "host-local", "loopback", "portmap");

    /**
     * A kernel module a node uses.
     *
     * @param name as {@code modprobe} names it
     * @param evidence a path that exists only when the module's feature is present, or empty
     * @param purpose why a node needs it
     */
    record KernelModule(String name, String evidence, String purpose) {
    }

    static final List<KernelModule> MODULES = List.of(
            new KernelModule("br_netfilter", "/proc/sys/net/bridge",
                    "pod-to-Service traffic on the pod bridge must pass iptables"),
            new KernelModule("bridge", "", "the CNI bridge plugin connects pods to the node"),
            new KernelModule("veth", "", "each pod's network interface is one end of a veth pair"));

    /**
     * A program a node runs.
     *
     * @param name the executable
     * @param containerRuntime whether an external {@code --container-runtime-endpoint} makes it unnecessary
     * @param hint what to do when it is missing
     */
    record Binary(String name, boolean containerRuntime, String hint) {
    }

    static final List<Binary> BINARIES = List.of(
            new Binary("containerd", true, "install containerd, or give --container-runtime-endpoint"),
            new Binary("runc", true, "install runc; containerd starts containers with it"),
            new Binary("iptables", false, "install iptables; Service routing and pod masquerading use it"));

    private HostChecks() {
    }

    /** The checks for a server (which also runs a node unless --disable-agent) configured as {@code config}. */
    static List<HostCheck> forServer(ResolvedConfig config) {
        List<HostCheck> checks = new ArrayList<>();
        checks.add(new HostCheck("java", HostChecks::java));
        checks.add(new HostCheck("kernel", HostChecks::kernel));
        checks.add(new HostCheck("cgroups", HostChecks::cgroups));
        checks.add(new HostCheck("overlay", HostChecks::overlay));
        MODULES.forEach(module -> checks.add(new HostCheck(module.name(), probe -> module(probe, module))));
        checks.add(new HostCheck("ip_forward", HostChecks::ipForward));
        Optional<String> endpoint = config.optional("container-runtime-endpoint");
        BINARIES.forEach(binary -> checks.add(new HostCheck(binary.name(), probe -> binary(probe, binary, endpoint))));
        checks.add(new HostCheck("cni plugins", HostChecks::cniPlugins));
        String dataDir = Path.of(config.string("data-dir")).toAbsolutePath().toString();
        checks.add(new HostCheck("data dir", probe -> dataDir(probe, dataDir)));
        String bindAddress = config.string("bind-address");
        int https = config.integer("https-listen-port");
        checks.add(new HostCheck("https port", probe -> port(probe, bindAddress, https, "--https-listen-port")));
        int ssh = config.integer("admin-ssh-port");
        if (ssh != 0) {
            checks.add(new HostCheck("ssh port", probe -> port(probe, "0.0.0.0", ssh, "--admin-ssh-port")));
        }
        return checks;
    }

    static CheckResult java(HostProbe probe) {
        Runtime.Version version = probe.javaVersion();
        return version.feature() >= MINIMUM_JAVA ? CheckResult.pass("Java " + version)
                : CheckResult.fail("Java " + version + " is older than " + MINIMUM_JAVA,
                        "install Java " + MINIMUM_JAVA + " or newer and put it first on PATH");
    }

    static CheckResult kernel(HostProbe probe) {
        if (!probe.osName().toLowerCase(Locale.ROOT).startsWith("linux")) {
            return CheckResult.fail(probe.osName() + " is not Linux", "run Karst nodes on Linux (a VM will do)");
        }
        return probe.read("/proc/sys/kernel/osrelease").map(release -> CheckResult.pass("Linux " + release))
                .orElse(CheckResult.warn("Linux, release unknown: /proc/sys/kernel/osrelease is unreadable",
                        "mount /proc"));
    }

    static CheckResult cgroups(HostProbe probe) {
        if (!probe.exists("/sys/fs/cgroup")) {
            return CheckResult.fail("nothing at /sys/fs/cgroup", "mount the cgroup2 file system at /sys/fs/cgroup");
        }
        Optional<String> controllers = probe.read("/sys/fs/cgroup/cgroup.controllers");
        if (controllers.isPresent()) {
            List<String> present = Arrays.asList(controllers.get().split("\\s+"));
            List<String> missing = CGROUP_CONTROLLERS.stream().filter(c -> !present.contains(c)).toList();
            return missing.isEmpty() ? CheckResult.pass("cgroup v2 with " + controllers.get())
                    : CheckResult.warn("cgroup v2 without the " + String.join(", ", missing) + " controller(s)",
                            "delegate them to this cgroup (cgroup.subtree_control of its parent)");
        }
        List<String> missing = CGROUP_CONTROLLERS.stream()
                .filter(c -> !probe.exists("/sys/fs/cgroup/" + c) && !probe.exists("/sys/fs/cgroup/" + c + ",cpuacct"))
                .toList();
        if (missing.size() == CGROUP_CONTROLLERS.size()) {
            return CheckResult.fail("no cgroup v2 and no cgroup v1 controllers under /sys/fs/cgroup",
                    "mount the cgroup2 file system at /sys/fs/cgroup");
        }
        String hybrid = probe.exists("/sys/fs/cgroup/unified") ? " (hybrid)" : "";
        return missing.isEmpty() ? CheckResult.pass("cgroup v1" + hybrid)
                : CheckResult.warn("cgroup v1" + hybrid + " without the " + String.join(", ", missing)
                        + " controller(s)", "mount them under /sys/fs/cgroup, or boot with cgroup v2");
    }

    static CheckResult overlay(HostProbe probe) {
        boolean listed = probe.read("/proc/filesystems")
                .map(text -> text.lines().map(line -> line.substring(line.lastIndexOf('\t') + 1).strip())
                        .anyMatch("overlay"::equals))
                .orElse(false);
        if (listed) {
            return CheckResult.pass("overlay is in /proc/filesystems");
        }
        if (probe.exists("/sys/module/overlay")) {
            return CheckResult.pass("overlay module present");
        }
        return CheckResult.fail("overlay is not in /proc/filesystems",
                "load it with 'modprobe overlay'; containerd's overlayfs snapshotter needs it");
    }

    static CheckResult module(HostProbe probe, KernelModule module) {
        boolean loaded = probe.read("/proc/modules")
                .map(text -> text.lines().anyMatch(line -> line.startsWith(module.name() + " "))).orElse(false);
        if (loaded) {
            return CheckResult.pass("module loaded");
        }
        if (probe.exists("/sys/module/" + module.name())) {
            return CheckResult.pass("present in /sys/module");
        }
        if (!module.evidence().isEmpty() && probe.exists(module.evidence())) {
            return CheckResult.pass("present (" + module.evidence() + " exists)");
        }
        return CheckResult.warn("not visible in /proc/modules or /sys/module; it may load on demand",
                "'modprobe " + module.name() + "': " + module.purpose());
    }

    static CheckResult ipForward(HostProbe probe) {
        Optional<String> value = probe.read("/proc/sys/net/ipv4/ip_forward");
        if (value.isEmpty()) {
            return CheckResult.warn("unknown: /proc/sys/net/ipv4/ip_forward is unreadable", "mount /proc");
        }
        return value.get().equals("1") ? CheckResult.pass("enabled")
                : CheckResult.warn("disabled", "'sysctl -w net.ipv4.ip_forward=1': pods cannot reach past the node"
                        + " without it");
    }

    static CheckResult binary(HostProbe probe, Binary binary, Optional<String> runtimeEndpoint) {
        Optional<String> found = probe.findExecutable(binary.name());
        if (found.isPresent()) {
            return CheckResult.pass(found.get());
        }
        if (binary.containerRuntime() && runtimeEndpoint.isPresent()) {
            return CheckResult.pass("not needed with --container-runtime-endpoint " + runtimeEndpoint.get());
        }
        return CheckResult.fail("not found on PATH or in " + String.join(", ", HostProbe.SYSTEM_DIRS),
                binary.hint());
    }

    static CheckResult cniPlugins(HostProbe probe) {
        String best = CNI_DIRS.get(0);
        List<String> bestMissing = CNI_PLUGINS;
        for (String dir : CNI_DIRS) {
            List<String> missing = CNI_PLUGINS.stream()
                    .filter(plugin -> !Files.isExecutable(probe.path(dir + "/" + plugin))).toList();
            if (missing.isEmpty()) {
                return CheckResult.pass(dir + " has " + String.join(", ", CNI_PLUGINS));
            }
            if (missing.size() < bestMissing.size()) {
                best = dir;
                bestMissing = missing;
            }
        }
        return CheckResult.fail("missing in " + best + ": " + String.join(", ", bestMissing),
                "install the containernetworking plugins into " + CNI_DIRS.get(0));
    }

    static CheckResult dataDir(HostProbe probe, String dataDir) {
        Path dir = probe.path(dataDir);
        String hint = "run as root, or choose another --data-dir";
        if (Files.isDirectory(dir)) {
            return Files.isWritable(dir) ? CheckResult.pass(dataDir + " is writable")
                    : CheckResult.fail(dataDir + " is not writable", hint);
        }
        if (Files.exists(dir)) {
            return CheckResult.fail(dataDir + " is not a directory", "choose another --data-dir");
        }
        Path ancestor = dir.getParent();
        while (ancestor != null && !Files.exists(ancestor) && ancestor.startsWith(probe.root())) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null || !ancestor.startsWith(probe.root())) {
            return CheckResult.fail(dataDir + " cannot be created", hint);
        }
        String shown = "/" + probe.root().relativize(ancestor);
        return Files.isDirectory(ancestor) && Files.isWritable(ancestor)
                ? CheckResult.pass(dataDir + " can be created in " + shown)
                : CheckResult.fail(dataDir + " cannot be created: " + shown + " is not writable", hint);
    }

    static CheckResult port(HostProbe probe, String address, int port, String flag) {
        String where = (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
        return switch (probe.ports().probe(address, port)) {
            case FREE -> CheckResult.pass(where + " is free");
            case DENIED -> CheckResult.warn(where + " needs privileges to listen on", "run as root, or choose " + flag);
            case IN_USE -> CheckResult.fail(where + " is in use", "stop what listens there, or choose " + flag);
        };
    }
}
