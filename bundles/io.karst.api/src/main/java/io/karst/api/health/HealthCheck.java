package io.karst.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One named check behind the API server's health endpoints, registered as a whiteboard service.
 * <p>
 * Service properties: {@link #NAME} (required, the name shown by {@code ?verbose}, e.g. {@code etcd}) and
 * {@link #ENDPOINTS} (which endpoints include it: {@code livez}, {@code readyz}; {@code healthz} includes all).
 */
@ConsumerType
public interface HealthCheck {

    /** Service property: the check's name as upstream prints it, e.g. {@code [+]etcd ok}. */
    String NAME = "karst.health.name";

    /** Service property: the endpoints this check belongs to ({@code livez}, {@code readyz}); default both. */
    String ENDPOINTS = "karst.health.endpoints";

    /** Runs the check; must return quickly and must not throw. */
    Result check();

    /** Outcome of one check: healthy, or not with a reason a person can act on. */
    record Result(boolean healthy, String reason) {
        public static Result ok() {
            return new Result(true, "");
        }

        public static Result failed(String reason) {
            return new Result(false, reason);
        }
    }
}
