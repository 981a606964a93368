package io.karst.launcher.config;

/** How a flag takes its value on the command line and in config files. */
public enum FlagType {
    /** One value; the last one given wins. */
    STRING,
    /** Repeatable; each occurrence may hold comma-separated values. A YAML sequence in config files. */
    LIST,
    /** {@code --flag} alone means true; {@code --flag=false} turns it off. Takes no separate value argument. */
    BOOL,
    /** A whole number. */
    INT
}
