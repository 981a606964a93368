package io.karst.apiserver.table;

/** What each Table row carries in {@code object}: the query parameter {@code includeObject}. */
public enum IncludeObject {
    /** No object ({@code "object": null}). */
    NONE,
    /** The object's metadata as a PartialObjectMetadata; the default. */
    METADATA,
    /** The whole object. */
    OBJECT;

    /**
     * Parses the query parameter as upstream validates it.
     *
     * @param value the parameter, null or empty for the default
     * @throws ConversionException 400 BadRequest with upstream's message for any other value
     */
    public static IncludeObject parse(String value) {
        if (value == null || value.isEmpty() || value.equals("Metadata")) {
            return METADATA;
        }
        if (value.equals("None")) {
            return NONE;
        }
        if (value.equals("Object")) {
            return OBJECT;
        }
        throw ConversionException.badRequest("Unable to convert to Table as requested: includeObject: Unsupported "
                + "value: \"" + value.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\": supported values: \"Metadata\", \"None\", \"Object\"");
    }
}
