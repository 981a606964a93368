package io.karst.cri.containerd.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.karst.api.node.ContainerRuntimeException;

/** How CRI calls fail and take time: the one place runtime errors become {@link ContainerRuntimeException}s. */
final class CriCalls {
    /** The kubelet's default --runtime-request-timeout. */
    static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(2);

    private final String endpoint;

    CriCalls(String endpoint) {
        this.endpoint = endpoint;
    }

    <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw failure(what, e);
        }
    }

    ContainerRuntimeException failure(String what, StatusRuntimeException e) {
        return new ContainerRuntimeException(message(what, e), e);
    }

    /** The runtime's own message; for an unreachable runtime, which socket and why. */
    String message(String what, StatusRuntimeException e) {
        Status status = e.getStatus();
        String description = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
        return switch (status.getCode()) {
            case UNAVAILABLE -> what + ": the container runtime at " + endpoint + " is not reachable: " + description;
            case DEADLINE_EXCEEDED -> what + ": the container runtime at " + endpoint + " did not answer in time: "
                    + description;
            default -> description;
        };
    }

    static boolean notFound(StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.NOT_FOUND;
    }

    static long deadlineMillis(Duration duration) {
        return TimeUnit.NANOSECONDS.toMillis(duration.toNanos());
    }

    /** CRI timestamps are nanoseconds since the epoch; 0 means none. */
    static Instant instant(long nanos) {
        return nanos == 0 ? null : Instant.ofEpochSecond(0, nanos);
    }
}
