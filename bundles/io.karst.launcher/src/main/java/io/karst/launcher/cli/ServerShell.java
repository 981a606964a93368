package io.karst.launcher.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command in a running server's Karaf shell (127.0.0.1, credentials in the data dir) through
 * {@code bin/client}, for the subcommands that act on the running server: only who can read the data dir can.
 */
final class ServerShell {
    private ServerShell() {
    }

    static int run(Map<String, String> env, Path dataDir, String command, long timeoutSeconds, PrintStream out,
            PrintStream err) throws CommandFailure {
        String home = env.get("KARST_HOME");
        if (home == null) {
            throw new CommandFailure("KARST_HOME is not set; run karst through bin/karst");
        }
        Path etc = dataDir.resolve("server/karaf/etc");
        if (!Files.isDirectory(etc)) {
            throw new CommandFailure("no server instance in " + etc);
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(home, "bin", "client").toString(), "-b", "-r", "3", "-d", "2");
        pb.environment().put("KARAF_ETC", etc.toString());
        // the client's JVM is this one's (else bin/client warns "JAVA_HOME not set")
        pb.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        try {
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            }
            Thread copyErr = new Thread(() -> copy(p.getErrorStream(), err));
            copyErr.start();
            copy(p.getInputStream(), out);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CommandFailure("the server's shell did not answer within " + timeoutSeconds + " s");
            }
            copyErr.join();
            if (p.exitValue() != 0) {
                throw new CommandFailure("failed (exit " + p.exitValue() + "); see the server log for details");
            }
            return 0;
        } catch (IOException e) {
            throw new CommandFailure("cannot run the shell client: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted");
        }
    }

    private static void copy(java.io.InputStream from, PrintStream to) {
        try {
            from.transferTo(to);
            to.flush();
        } catch (IOException ignored) {
            // the process ended
        }
    }
}
