package io.karst.controllers.podautoscaler;

/**
 * A metric the controller could not turn into a replica count: the event and condition reason upstream uses
 * ({@code FailedGetResourceMetric}, ...) and its message.
 */
final class MetricFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    MetricFailure(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
