package io.karst.apiserver.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.conversion.VersionConversion;

/**
 * A custom resource version kept in its CRD's storage version with conversion strategy {@code None}: upstream's
 * nop converter changes nothing but {@code apiVersion}, both ways.
 */
record ApiVersionRewrite(String servedApiVersion, String storageApiVersion) implements VersionConversion {

    @Override
    public ObjectNode toStorage(ObjectNode served) {
        return withApiVersion(served, storageApiVersion);
    }

    @Override
    public ObjectNode fromStorage(ObjectNode stored) {
        return withApiVersion(stored, servedApiVersion);
    }

    private static ObjectNode withApiVersion(ObjectNode object, String apiVersion) {
        if (apiVersion.equals(object.path("apiVersion").asText())) {
            return object;
        }
        ObjectNode copy = object.deepCopy();
        copy.put("apiVersion", apiVersion);
        return copy;
    }
}
