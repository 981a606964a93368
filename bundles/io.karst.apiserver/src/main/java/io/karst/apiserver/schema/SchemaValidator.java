package io.karst.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks an object against the definition of its kind: JSON types (worded as Go's decoder words them), the
 * syntax of quantities, timestamps and base64 bytes, required fields, and unknown fields (reported apart, for
 * fieldValidation). Semantic validation (names, ranges, enums) belongs to each type's validator, not here.
 */
public final class SchemaValidator {

  private static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
  private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

  private final SchemaModel model;

  public SchemaValidator(SchemaModel model) {
    this.model = model;
  }

  /**
   * Validates an object by its apiVersion and kind.
   *
   * @throws IllegalArgumentException when the model has no definition for that kind
   */
  public List<FieldError> validate(ObjectNode object) {
    GroupVersionKind gvk = GroupVersionKind.of(object.path("apiVersion").asText(), object.path("kind").asText());
    TypeSchema type = model.forKind(gvk)
        .orElseThrow(() -> new IllegalArgumentException("no schema for " + gvk.apiVersion() + ", Kind=" + gvk.kind()));
    return validate(type, object);
  }

  /** Validates an object against the given definition. */
  public List<FieldError> validate(TypeSchema type, ObjectNode object) {
    List<FieldError> errors = new ArrayList<>();
    new Walk(errors).object(object, type, "", "", true);
    return errors;
  }

  /** The unknown-field findings of a result, for fieldValidation=Warn/Strict. */
  public static List<FieldError> unknownFields(List<FieldError> errors) {
    return errors.stream().filter(e -> e.kind() == FieldError.Kind.UNKNOWN_FIELD).toList();
  }

  /** All but the unknown-field findings. */
  public static List<FieldError> withoutUnknownFields(List<FieldError> errors) {
    return errors.stream().filter(e -> e.kind() != FieldError.Kind.UNKNOWN_FIELD).toList();
  }

  private static final class Walk {
    private final List<FieldError> errors;

    Walk(List<FieldError> errors) {
      this.errors = errors;
    }

    /**
     * @param path the field path with indices, as field errors print it
     * @param goPath the dotted JSON path without indices, as Go's decoder prints it
     * @param checkRequired false under the top-level status, which the server owns and resets on create
     */
    void object(JsonNode object, TypeSchema type, String path, String goPath, boolean checkRequired) {
      if (!type.hasProperties()) {
        return; // free-form: RawExtension, FieldsV1
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String name = field.getKey();
        String childPath = path.isEmpty() ? name : path + "." + name;
        String childGoPath = goPath.isEmpty() ? name : goPath + "." + name;
        Optional<FieldSchema> property = type.property(name);
        if (property.isEmpty()) {
          errors.add(new FieldError(FieldError.Kind.UNKNOWN_FIELD, childPath,
              "unknown field \"" + childPath + "\""));
          continue;
        }
        boolean required = checkRequired && !(path.isEmpty() && name.equals("status"));
        value(field.getValue(), property.get(), childPath, childGoPath, type.simpleName(), required);
      }
      if (checkRequired) {
        for (String name : type.required()) {
          JsonNode value = object.get(name);
          if (value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty())
              || (value.isArray() && value.isEmpty())) {
            errors.add(new FieldError(FieldError.Kind.REQUIRED, path.isEmpty() ? name : path + "." + name,
                "Required value"));
          }
        }
      }
    }

    void value(JsonNode value, FieldSchema schema, String path, String goPath, String struct, boolean required) {
      if (value.isNull()) {
        return; // Go leaves the field at its zero value
      }
      Optional<TypeSchema> ref = schema.referencedType();
      if (ref.isPresent()) {
        named(value, ref.get(), path, goPath, struct, required);
        return;
      }
      if (schema.isArray()) {
        FieldSchema items = schema.items().orElseThrow();
        if (!value.isArray()) {
          wrongType(value, path, goPath, struct, goType(schema));
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          value(value.get(i), items, path + "[" + i + "]", goPath, struct, required);
        }
        return;
      }
      if (schema.isMap()) {
        if (!value.isObject()) {
          wrongType(value, path, goPath, struct, goType(schema));
          return;
        }
        Optional<FieldSchema> values = schema.mapValues();
        if (values.isPresent()) {
          for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            value(entry.getValue(), values.get(), path + "[" + entry.getKey() + "]", goPath + "." + entry.getKey(),
                struct, required);
          }
        }
        return;
      }
      scalar(value, schema.type(), schema.format(), path, goPath, struct);
    }

    private void named(JsonNode value, TypeSchema type, String path, String goPath, String struct,
        boolean required) {
      switch (type.name()) {
        case INT_OR_STRING -> {
          boolean integral = value.isIntegralNumber() && value.canConvertToInt();
          if (!value.isTextual() && !integral) {
            // intstr decodes a non-string as an int32, outside of the struct being decoded
            errors.add(new FieldError(FieldError.Kind.WRONG_TYPE, path,
                "json: cannot unmarshal " + jsonKind(value) + " into Go value of type int32"));
          }
          return;
        }
        case QUANTITY -> {
          String problem = value.isTextual() || value.isNumber() ? Quantities.check(value.asText().trim())
              : Quantities.FORMAT_WRONG;
          if (problem != null) {
            errors.add(new FieldError(FieldError.Kind.INVALID_VALUE, path, problem));
          }
          return;
        }
        default -> {
          // handled below
        }
      }
      if (type.format().equals("date-time")) {
        if (!value.isTextual()) {
          // metav1.Time reads its JSON as a Go string first
          errors.add(new FieldError(FieldError.Kind.WRONG_TYPE, path,
              "json: cannot unmarshal " + jsonKind(value) + " into Go value of type string"));
          return;
        }
        String problem = GoTimes.check(value.asText());
        if (problem != null) {
          errors.add(new FieldError(FieldError.Kind.INVALID_VALUE, path, problem));
        }
        return;
      }
      if (type.type().equals("object")) {
        if (!value.isObject()) {
          wrongType(value, path, goPath, struct, type.goTypeName());
          return;
        }
        object(value, type, path, goPath, required);
        return;
      }
      scalar(value, type.type(), type.format(), path, goPath, struct);
    }

    private void scalar(JsonNode value, String type, String format, String path, String goPath, String struct) {
      switch (type) {
        case "string" -> {
          if (!value.isTextual()) {
            wrongType(value, path, goPath, struct, format.equals("byte") ? "[]uint8" : "string");
          } else if (format.equals("byte")) {
            String problem = base64Problem(value.asText());
            if (problem != null) {
              errors.add(new FieldError(FieldError.Kind.INVALID_VALUE, path, problem));
            }
          } else if (format.equals("date-time")) {
            String problem = GoTimes.check(value.asText());
            if (problem != null) {
              errors.add(new FieldError(FieldError.Kind.INVALID_VALUE, path, problem));
            }
          }
        }
        case "integer" -> {
          String goType = format.equals("int32") ? "int32" : "int64";
          boolean fits = value.isIntegralNumber()
              && (goType.equals("int32") ? value.canConvertToInt() : value.canConvertToLong());
          if (!value.isNumber()) {
            wrongType(value, path, goPath, struct, goType);
          } else if (!fits) {
            // Go names the number literal when the JSON type is right but the value is not
            errors.add(new FieldError(FieldError.Kind.WRONG_TYPE, path, unmarshalMessage(
                "number " + value.asText(), goPath, struct, goType)));
          }
        }
        case "number" -> {
          if (!value.isNumber()) {
            wrongType(value, path, goPath, struct, "float64");
          }
        }
        case "boolean" -> {
          if (!value.isBoolean()) {
            wrongType(value, path, goPath, struct, "bool");
          }
        }
        default -> {
          // no type: any JSON value (apiextensions JSON)
        }
      }
    }

    private void wrongType(JsonNode value, String path, String goPath, String struct, String goType) {
      errors.add(new FieldError(FieldError.Kind.WRONG_TYPE, path,
          unmarshalMessage(jsonKind(value), goPath, struct, goType)));
    }

    private static String unmarshalMessage(String jsonValue, String goPath, String struct, String goType) {
      return "json: cannot unmarshal " + jsonValue + " into Go struct field " + struct + "." + goPath + " of type "
          + goType;
    }

    private static String goType(FieldSchema schema) {
      Optional<TypeSchema> ref = schema.referencedType();
      if (ref.isPresent()) {
        return ref.get().goTypeName();
      }
      if (schema.isArray()) {
        return "[]" + goType(schema.items().orElseThrow());
      }
      if (schema.isMap()) {
        return "map[string]" + schema.mapValues().map(Walk::goType).orElse("interface {}");
      }
      return switch (schema.type()) {
        case "string" -> schema.format().equals("byte") ? "[]uint8" : "string";
        case "integer" -> schema.format().equals("int32") ? "int32" : "int64";
        case "number" -> "float64";
        case "boolean" -> "bool";
        default -> "interface {}";
      };
    }

    private static String jsonKind(JsonNode value) {
      if (value.isTextual()) {
        return "string";
      }
      if (value.isNumber()) {
        return "number";
      }
      if (value.isBoolean()) {
        return "bool";
      }
      return value.isArray() ? "array" : "object";
    }

    /** Go's base64.StdEncoding, which skips line breaks and names the offset of the first bad byte. */
    private static String base64Problem(String text) {
      int significant = 0;
      int padding = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\r' || c == '\n') {
          continue;
        }
        boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '+' || c == '/';
        if (c == '=') {
          padding++;
        } else if (!alphabet || padding > 0) {
          return "illegal base64 data at input byte " + i;
        }
        significant++;
      }
      if (significant % 4 != 0 || padding > 2) {
        return "illegal base64 data at input byte " + (significant - significant % 4);
      }
      return null;
    }
  }
}
