package io.karst.kubelet.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The counters of a network namespace's interfaces, from its {@code net/dev} ({@code /proc/<pid>/net/dev}). */
public final class NetworkDevices {
    private NetworkDevices() {
    }

    /** Bytes and errors each way of one interface since it came up. */
    public record Interface(String name, long rxBytes, long rxErrors, long txBytes, long txErrors) {
    }

    /** The interfaces but loopback; none when the file cannot be read (the process is gone). */
    public static List<Interface> read(Path netDev) {
        List<Interface> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(netDev);
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            // receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets errs ...
            if (name.equals("lo") || f.length < 11) {
                continue;
            }
            out.add(new Interface(name, Long.parseLong(f[0]), Long.parseLong(f[2]), Long.parseLong(f[8]),
                    Long.parseLong(f[10])));
        }
        return out;
    }
}
