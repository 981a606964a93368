package io.karst.launcher.cli;

import java.util.Locale;

/**
 * The outcome of one host check.
 *
 * @param status pass, warn or fail
 * @param detail what was found
 * @param hint what to do about it; empty on a pass
 */
record CheckResult(Status status, String detail, String hint) {

    enum Status {
        PASS, WARN, FAIL;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static CheckResult pass(String detail) {
        return new CheckResult(Status.PASS, detail, "");
    }

    static CheckResult warn(String detail, String hint) {
        return new CheckResult(Status.WARN, detail, hint);
    }

    static CheckResult fail(String detail, String hint) {
        return new CheckResult(Status.FAIL, detail, hint);
    }
}
