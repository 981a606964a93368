package io.karst.launcher.config;

import java.nio.file.Path;

/**
 * Where a value came from.
 *
 * @param kind the kind of source
 * @param source the environment variable, the file, or a note on a computed default; empty otherwise
 * @param line the 1-based line in {@code source} for a file, 0 otherwise
 */
public record Origin(Kind kind, String source, int line) {

    /** The sources, lowest precedence first. */
    public enum Kind {
        DEFAULT, FILE, ENVIRONMENT, COMMAND_LINE
    }

    private static final Origin DEFAULT = new Origin(Kind.DEFAULT, "", 0);
    private static final Origin COMMAND_LINE = new Origin(Kind.COMMAND_LINE, "", 0);

    public static Origin byDefault() {
        return DEFAULT;
    }

    /** A default computed from this machine, e.g. its host name. */
    public static Origin byDefault(String note) {
        return new Origin(Kind.DEFAULT, note, 0);
    }

    public static Origin commandLine() {
        return COMMAND_LINE;
    }

    public static Origin environment(String variable) {
        return new Origin(Kind.ENVIRONMENT, variable, 0);
    }

    public static Origin file(Path file, int line) {
        return new Origin(Kind.FILE, file.toString(), line);
    }

    /** How error messages name this origin, e.g. {@code from /etc/karst/config.yaml line 3}. */
    public String describe() {
        return switch (kind) {
            case DEFAULT -> source.isEmpty() ? "by default" : "by default: " + source;
            case COMMAND_LINE -> "from the command line";
            case ENVIRONMENT -> "from environment " + source;
            case FILE -> line > 0 ? "from " + source + " line " + line : "from " + source;
        };
    }

    @Override
    public String toString() {
        return describe();
    }
}
