package io.karst.bench.datastore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's CPU per request of an etcd endpoint, read from {@code /proc/<pid>/stat}: a figure that, unlike
 * throughput, a busy machine hardly changes, for comparing changes to the endpoint between full bench runs.
 *
 * <p>Usage: {@code EndpointCost <host:port> <server pid> [operations]}
 */
public final class EndpointCost {
    private static final long TICKS_PER_SECOND = 100;

    private EndpointCost() {
    }

    public static void main(String[] args) throws IOException {
        String address = args[0];
        long pid = Long.parseLong(args[1]);
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
        byte[] value = new Values(7).next();
        try (EtcdClientTarget target = new EtcdClientTarget(address, null)) {
            // warm-up, so the figures are of compiled code
            long[] revisions = new long[n];
            for (int i = 0; i < n; i++) {
                revisions[i] = target.create("/warm/" + i, value);
            }
            for (int i = 0; i < n; i++) {
                target.update("/warm/" + i, value, revisions[i]);
            }
            long cpu = cpuTicks(pid);
            long started = System.nanoTime();
            for (int i = 0; i < n; i++) {
                revisions[i] = target.create("/cost/" + i, value);
            }
            report("create", n, pid, cpu, started);
            cpu = cpuTicks(pid);
            started = System.nanoTime();
            for (int i = 0; i < n; i++) {
                target.update("/cost/" + i, value, revisions[i]);
            }
            report("update", n, pid, cpu, started);
            cpu = cpuTicks(pid);
            started = System.nanoTime();
            for (int i = 0; i < n; i++) {
                target.get("/cost/" + i);
            }
            report("get", n, pid, cpu, started);
            int lists = 10;
            for (int i = 0; i < 3; i++) {
                target.list("/warm/");
            }
            cpu = cpuTicks(pid);
            started = System.nanoTime();
            for (int i = 0; i < lists; i++) {
                target.list("/warm/");
            }
            report("list of " + n, lists, pid, cpu, started);
        }
    }

    private static void report(String what, int n, long pid, long cpuBefore, long started) throws IOException {
        double cpuMs = (cpuTicks(pid) - cpuBefore) * 1000.0 / TICKS_PER_SECOND;
        double wallMs = (System.nanoTime() - started) / 1e6;
        System.out.printf("%-14s server CPU %.3f ms/op, wall %.3f ms/op%n", what, cpuMs / n, wallMs / n);
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
