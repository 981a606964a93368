package io.karst.apiserver.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An object in the cache with its mod revision (its resourceVersion). Never modified once cached. */
record CachedObject(ObjectNode object, long revision) {
}
