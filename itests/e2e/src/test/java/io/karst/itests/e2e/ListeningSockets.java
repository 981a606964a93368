package io.karst.itests.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What one process listens on, read from Linux's /proc: its socket inodes (/proc/PID/fd) matched against the
 * listening TCP sockets (/proc/net/tcp, tcp6: state 0A) and listening Unix sockets (/proc/net/unix: flag
 * __SO_ACCEPTCON). Proves that a server opens no port beyond the ones it should.
 */
record ListeningSockets(Set<Integer> tcpPorts, Set<String> unixPaths) {

    static ListeningSockets of(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while listing
                }
            }
        }
        Set<Integer> ports = new TreeSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> rows = Files.readAllLines(Path.of(table));
            for (String line : rows.subList(1, rows.size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A") && inodes.contains(f[9])) {
                    ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
                }
            }
        }
        Set<String> paths = new TreeSet<>();
        List<String> unix = Files.readAllLines(Path.of("/proc/net/unix"));
        for (String line : unix.subList(1, unix.size())) {
            String[] f = line.trim().split("\\s+");
            boolean listening = (Integer.parseInt(f[3], 16) & 0x10000) != 0;
            if (listening && f.length > 7 && inodes.contains(f[6])) {
                paths.add(f[7]);
            }
        }
        return new ListeningSockets(ports, paths);
    }
}
