import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU used by the server and by this generator since the meter was made, from /proc (clock ticks of 10 ms):
 * both share the machine's cores, so a rate means little without what each side spent on it.
 */
final class CpuMeter {
    private final long serverPid;
    private final long serverStart;
    private final long ownStart;
    private final long t0 = System.nanoTime();

    CpuMeter(long serverPid) throws Exception {
        this.serverPid = serverPid;
        this.serverStart = cpuMillis(serverPid);
        this.ownStart = cpuMillis(ProcessHandle.current().pid());
    }

    double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    long serverMillis() throws Exception {
        return cpuMillis(serverPid) - serverStart;
    }

    long ownMillis() throws Exception {
        return cpuMillis(ProcessHandle.current().pid()) - ownStart;
    }

    /** "server X ms (Y ms per request), load generator ..., of Z ms x 2 cores" */
    String perRequest(int requests) throws Exception {
        double wall = seconds() * 1000;
        long server = serverMillis();
        long own = ownMillis();
        return String.format("server %d ms (%.3f ms per request), load generator %d ms (%.3f ms per request), of "
                + "%.0f ms x %d cores", server, (double) server / requests, own, (double) own / requests, wall,
                Runtime.getRuntime().availableProcessors());
    }

    static long cpuMillis(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }
}
