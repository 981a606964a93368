package io.karst.launcher.cli;

import java.util.function.Function;

/**
 * One thing a Karst node needs from its machine.
 *
 * @param name what is checked, e.g. {@code cgroups}
 * @param check looks at the machine through the probe
 */
record HostCheck(String name, Function<HostProbe, CheckResult> check) {

    CheckResult run(HostProbe probe) {
        return check.apply(probe);
    }
}
