package io.karst.launcher.config;

import java.util.Locale;

/** The kind of node a configuration is resolved for; every flag belongs to one role or to both. */
public enum Role {
    SERVER, AGENT;

    /** The subcommand that runs this role, as in {@code karst server}. */
    public String command() {
        return "karst " + name().toLowerCase(Locale.ROOT);
    }
}
