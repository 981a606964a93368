package io.karst.api.datastore;

/**
 * A lease: keys attached to it are deleted when it expires or is revoked.
 *
 * @param id its id, positive
 * @param ttlSeconds how long it lives after its grant or its last keep-alive
 */
public record Lease(long id, long ttlSeconds) {
}
