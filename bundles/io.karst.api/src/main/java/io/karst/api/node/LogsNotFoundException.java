package io.karst.api.node;

/** A log that does not exist on this node (upstream answers 400 Bad Request with the message). */
public class LogsNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LogsNotFoundException(String message) {
        super(message);
    }
}
