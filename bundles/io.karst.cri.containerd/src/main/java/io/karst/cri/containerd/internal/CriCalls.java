package io.karst.cri.containerd.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import io.karst.api.node.ContainerRuntimeException;
import io.karst.grpc.wire.StatusCodes;

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
        } catch (GrpcStatusException e) {
            throw failure(what, e);
        }
    }

    ContainerRuntimeException failure(String what, GrpcStatusException e) {
        return new ContainerRuntimeException(message(what, e), e);
    }

    /** The runtime's own message; for an unreachable runtime, which socket and why. */
    String message(String what, GrpcStatusException e) {
        String description = e.description() == null ? StatusCodes.name(e.code()) : e.description();
        return switch (e.code()) {
            case StatusCodes.UNAVAILABLE -> what + ": the container runtime at " + endpoint
                    + " is not reachable: " + description;
            case StatusCodes.DEADLINE_EXCEEDED -> what + ": the container runtime at " + endpoint
                    + " did not answer in time: " + description;
            default -> description;
        };
    }

    static boolean notFound(GrpcStatusException e) {
        return e.code() == StatusCodes.NOT_FOUND;
    }

    /** CRI timestamps are nanoseconds since the epoch; 0 means none. */
    static Instant instant(long nanos) {
        return nanos == 0 ? null : Instant.ofEpochSecond(0, nanos);
    }
}
