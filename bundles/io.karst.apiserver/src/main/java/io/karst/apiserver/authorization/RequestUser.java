package io.karst.apiserver.authorization;

import java.util.Optional;
import java.util.function.Supplier;

import io.karst.api.security.UserInfo;

/**
 * Who the request being served on this thread acts as, for the parts of the write path that depend on it (the RBAC
 * escalation checks), as upstream carries the user in the request's context. ResourceApi sets it around the one
 * synchronous call that serves an HTTPS request; the in-process loopback client never sets it, and a write without
 * a user is the API server's own, which is never checked.
 */
public final class RequestUser {
    private static final ThreadLocal<UserInfo> CURRENT = new ThreadLocal<>();

    private RequestUser() {
    }

    /** Runs {@code work} as {@code user}, restoring whatever was set before (nothing, on a pool thread). */
    public static <T> T actingAs(UserInfo user, Supplier<T> work) {
        UserInfo before = CURRENT.get();
        CURRENT.set(user);
        try {
            return work.get();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /** The user of the request served on this thread; empty for the API server's own writes. */
    public static Optional<UserInfo> current() {
        return Optional.ofNullable(CURRENT.get());
    }
}
