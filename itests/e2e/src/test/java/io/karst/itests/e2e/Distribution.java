package io.karst.itests.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The assembled distribution, unpacked once per test run into the module's build directory. */
final class Distribution {
    private static Path home;

    private Distribution() {
    }

    static synchronized Path home() throws IOException, InterruptedException {
        if (home != null) {
            return home;
        }
        Path tarball = Path.of(System.getProperty("karst.distribution"));
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException("distribution not built: " + tarball);
        }
        Path work = work();
        Path target = work.resolve("dist");
        Commands.run(List.of("rm", "-rf", target.toString()), Map.of(), Duration.ofSeconds(60));
        Files.createDirectories(target);
        Commands.Result untar = Commands.run(List.of("tar", "-xzf", tarball.toString(), "-C", target.toString(),
                "--strip-components=1"), Map.of(), Duration.ofSeconds(120));
        if (untar.exit() != 0) {
            throw new IllegalStateException("cannot unpack " + tarball + ": " + untar.stderr());
        }
        home = target;
        return home;
    }

    static Path work() throws IOException {
        Path work = Path.of(System.getProperty("karst.work", "target/e2e"));
        Files.createDirectories(work);
        return work;
    }

    static Path karst() throws IOException, InterruptedException {
        return home().resolve("bin/karst");
    }
}
