package io.karst.apiserver.schema;

/**
 * One finding of the {@link SchemaValidator}, worded as upstream words it.
 *
 * @param kind what is wrong
 * @param field the path of the value: {@code spec.containers[0].image}
 * @param message the upstream text: "Required value", {@code unknown field "spec.foo"}, or the decoding error
 *     {@code json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container}
 */
public record FieldError(Kind kind, String field, String message) {

  public enum Kind {
    /** A required field is absent or empty: an Invalid cause of type FieldValueRequired. */
    REQUIRED("FieldValueRequired"),
    /** The JSON type does not fit the Go type: upstream fails decoding (BadRequest) with this message. */
    WRONG_TYPE("FieldValueInvalid"),
    /** The value has the right JSON type but cannot be parsed (quantity, date-time, base64): also a decoding error. */
    INVALID_VALUE("FieldValueInvalid"),
    /**
     * A field the type does not have: with fieldValidation=Strict upstream answers BadRequest "strict decoding
     * error: " + message, with Warn it sends the message as a warning; no cause type of its own.
     */
    UNKNOWN_FIELD("");

    private final String causeType;

    Kind(String causeType) {
      this.causeType = causeType;
    }

    /** The StatusCause type upstream uses for this kind of finding. */
    public String causeType() {
      return causeType;
    }
  }

  /** The line upstream prints: "spec.containers: Required value", or the message alone for decoding findings. */
  public String describe() {
    return kind == Kind.REQUIRED ? field + ": " + message : message;
  }
}
