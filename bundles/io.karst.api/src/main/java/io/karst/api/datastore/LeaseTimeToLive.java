package io.karst.api.datastore;

import java.util.List;
import java.util.Objects;

/**
 * A live lease as it stands now, as etcd's {@code LeaseTimeToLive} reports it.
 *
 * @param id its id
 * @param grantedTtlSeconds the TTL it was granted with, which each keep-alive restarts
 * @param remainingSeconds whole seconds left before it expires (rounded down, as etcd does)
 * @param keys the live keys attached to it, in key order; empty when they were not asked for
 */
public record LeaseTimeToLive(long id, long grantedTtlSeconds, long remainingSeconds, List<String> keys) {

    public LeaseTimeToLive {
        keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
    }
}
