package io.karst.launcher.cli;

/** Ends a subcommand with a one-line message on stderr and exit code 1. */
final class CommandFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CommandFailure(String message) {
        super(message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
    }
}
