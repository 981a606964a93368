package io.karst.launcher.cli;

import java.io.File;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code check-config} may look at on a machine. Every absolute path is read below {@link #root()}, so
 * tests point a probe at a directory laid out like {@code /}; nothing is written.
 *
 * @param root where {@code /} is, normally {@code /}
 * @param searchPath directories to find executables in, as absolute paths below {@code root}
 * @param osName the operating system, as {@code os.name}
 * @param javaVersion the running Java
 * @param ports tells whether a port can be listened on
 */
record HostProbe(Path root, List<String> searchPath, String osName, Runtime.Version javaVersion, PortProbe ports) {

    /** Where system binaries live even when a user's PATH leaves them out (iptables is often in /usr/sbin). */
    static final List<String> SYSTEM_DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
            "/sbin", "/bin");

    /** Whether a port is free to listen on. */
    enum PortState {
        FREE, IN_USE, DENIED
    }

    @FunctionalInterface
    interface PortProbe {
        PortState probe(String address, int port);

        /** Binds and closes at once: the only reliable test, and it leaves nothing behind. */
        PortProbe LOCAL = (address, port) -> {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
                return PortState.FREE;
            } catch (BindException e) {
                return String.valueOf(e.getMessage()).contains("ermission") ? PortState.DENIED : PortState.IN_USE;
            } catch (IOException e) {
                return PortState.IN_USE;
            }
        };
    }

    HostProbe {
        searchPath = List.copyOf(searchPath);
    }

    /** This machine, with the PATH of {@code env} and the system binary directories. */
    static HostProbe local(Map<String, String> env) {
        List<String> dirs = new ArrayList<>();
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (dir.startsWith("/") && !dirs.contains(dir)) {
                dirs.add(dir);
            }
        }
        SYSTEM_DIRS.stream().filter(d -> !dirs.contains(d)).forEach(dirs::add);
        return new HostProbe(Path.of("/"), dirs, System.getProperty("os.name"), Runtime.version(), PortProbe.LOCAL);
    }

    /** An absolute path of the probed machine, as a path of this one. */
    Path path(String absolute) {
        return root.resolve(absolute.replaceFirst("^/+", ""));
    }

    boolean exists(String absolute) {
        return Files.exists(path(absolute));
    }

    /** A file's content, trimmed; empty when it cannot be read. */
    Optional<String> read(String absolute) {
        try {
            return Optional.of(Files.readString(path(absolute)).strip());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The first executable of this name on the search path, as the probed machine names it. */
    Optional<String> findExecutable(String name) {
        for (String dir : searchPath) {
            String absolute = dir.endsWith("/") ? dir + name : dir + "/" + name;
            Path file = path(absolute);
            if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                return Optional.of(absolute);
            }
        }
        return Optional.empty();
    }
}
