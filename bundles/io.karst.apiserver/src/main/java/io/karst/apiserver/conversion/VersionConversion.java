package io.karst.apiserver.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How objects of one served version are kept in the version their storage holds, as upstream's scheme converts
 * between an external version and the storage version. A resource version served as it is stored has none.
 *
 * <p>Conversions never modify their argument: objects handed in may be shared (the watch cache's).
 */
public interface VersionConversion {

    /** The {@code apiVersion} of stored objects, e.g. {@code autoscaling/v2}. */
    String storageApiVersion();

    /** The served object in the storage version. */
    ObjectNode toStorage(ObjectNode served);

    /** A stored object in the served version. */
    ObjectNode fromStorage(ObjectNode stored);
}
