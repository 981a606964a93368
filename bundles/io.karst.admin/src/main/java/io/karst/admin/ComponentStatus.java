package io.karst.admin;

import java.util.List;

/**
 * One Karst bundle as {@code karst:status} shows it.
 *
 * @param bundle symbolic name
 * @param version bundle version
 * @param state bundle state (Active, Resolved, ...)
 * @param services the service interfaces it registers (simple names), sorted
 * @param ready whether every component is active or satisfied and no condition is missing
 * @param detail what it is waiting for when not ready, or its readiness conditions when ready
 */
public record ComponentStatus(String bundle, String version, String state, List<String> services, boolean ready,
        String detail) {
}
