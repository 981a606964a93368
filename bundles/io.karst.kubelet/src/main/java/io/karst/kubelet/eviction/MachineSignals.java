package io.karst.kubelet.eviction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.node.ImageFsInfo;
import io.karst.api.node.ImageService;

/**
 * The signals of this machine: memory.available is {@code MemAvailable} of {@code /proc/meminfo} (of
 * {@code MemTotal}); nodefs.available what may still be written on the data dir's filesystem; imagefs.available
 * what the runtime's image filesystem has left (CRI ImageFsInfo); pid.available {@code pid_max} less the tasks the
 * kernel counts in {@code /proc/loadavg}. Inodes are not measured (Java has no statfs).
 */
public final class MachineSignals implements SignalObserver {
    private static final Logger LOG = LoggerFactory.getLogger(MachineSignals.class);

    private final Path dataDir;
    private final ImageService images;

    public MachineSignals(Path dataDir, ImageService images) {
        this.dataDir = dataDir;
        this.images = images;
    }

    @Override
    public Map<Signal, Observation> observe() {
        Map<Signal, Observation> observed = new EnumMap<>(Signal.class);
        long total = meminfo("MemTotal:");
        long available = meminfo("MemAvailable:");
        if (total > 0 && available >= 0) {
            observed.put(Signal.MEMORY_AVAILABLE, new Observation(available, total));
        }
        try {
            var store = Files.getFileStore(dataDir);
            if (store.getTotalSpace() > 0) {
                observed.put(Signal.NODEFS_AVAILABLE, new Observation(store.getUsableSpace(),
                        store.getTotalSpace()));
            }
        } catch (IOException e) {
            LOG.debug("nodefs not measured: {}", e.getMessage());
        }
        if (images != null) {
            try {
                ImageFsInfo fs = images.imageFsInfo();
                if (fs.capacityBytes() > 0) {
                    observed.put(Signal.IMAGEFS_AVAILABLE, new Observation(fs.availableBytes(), fs.capacityBytes()));
                }
            } catch (RuntimeException e) {
                LOG.debug("imagefs not measured: {}", e.getMessage());
            }
        }
        try {
            long max = Long.parseLong(Files.readString(Path.of("/proc/sys/kernel/pid_max")).trim());
            String[] loadavg = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            long tasks = Long.parseLong(loadavg[3].substring(loadavg[3].indexOf('/') + 1));
            observed.put(Signal.PID_AVAILABLE, new Observation(max - tasks, max));
        } catch (IOException | RuntimeException e) {
            LOG.debug("pid.available not measured: {}", e.getMessage());
        }
        return observed;
    }

    /** A /proc/meminfo value in bytes, -1 when absent. */
    private static long meminfo(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.trim().split("\\s+")[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }
}
