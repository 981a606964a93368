package io.karst.launcher.boot;

import java.nio.file.Path;

/**
 * Where one node role keeps its Karaf instance (or, for an agent without a shell, its lean runtime) inside the
 * data directory, so that several servers (tests, a server and an agent) can share one installed distribution.
 *
 * @param dataDir the Karst data directory
 * @param roleDir {@code <data-dir>/server} or {@code <data-dir>/agent}
 */
record InstanceLayout(Path dataDir, Path roleDir) {

    static InstanceLayout of(Path dataDir, String role) {
        return new InstanceLayout(dataDir, dataDir.resolve(role));
    }

    Path karafEtc() {
        return roleDir.resolve("karaf/etc");
    }

    Path karafData() {
        return roleDir.resolve("karaf/data");
    }

    /** Held by the running instance's Karaf (karaf.lock.dir points into its data folder) for its whole life. */
    Path lockFile() {
        return karafData().resolve("lock");
    }

    Path distributionStamp() {
        return roleDir.resolve("karaf/distribution.sha256");
    }

    /** The lean agent runtime's folder (the agent without a shell runs no Karaf): etc/, data/, its bundle list. */
    Path runtime() {
        return roleDir.resolve("runtime");
    }

    /** Held by the running lean runtime for its whole life. */
    Path runtimeLockFile() {
        return runtime().resolve("data/lock");
    }

    Path logs() {
        return roleDir.resolve("logs");
    }

    Path shellPassword() {
        return roleDir.resolve("cred/shell-password");
    }
}
