package io.karst.apiserver.table;

/**
 * What the negotiation chose: the serializer's media type (the response's Content-Type, plain as upstream writes
 * it, e.g. {@code application/json} even for a Table), the conversion asked for with {@code as}/{@code g}/
 * {@code v}, and the {@code pretty} and {@code stream} parameters.
 *
 * @param mediaType the served media type, e.g. {@code application/json}
 * @param conversion how to transform the response object
 * @param conversionGroupVersion {@code meta.k8s.io/v1} or {@code meta.k8s.io/v1beta1}, null without conversion
 * @param pretty whether {@code pretty=1} was asked
 * @param stream the {@code stream} parameter ({@code watch}), or empty
 */
public record MediaTypeChoice(String mediaType, Conversion conversion, String conversionGroupVersion, boolean pretty,
        String stream) {

    /** The response transformations upstream offers on resource endpoints. */
    public enum Conversion {
        /** The object as stored. */
        NONE,
        /** A meta.k8s.io Table. */
        TABLE,
        /** The object's metadata only. */
        PARTIAL_OBJECT_METADATA,
        /** A list's items' metadata only. */
        PARTIAL_OBJECT_METADATA_LIST
    }
}
