package io.karst.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Drops the fields a built-in type does not have, as decoding into upstream's Go structs does: whatever the
 * fieldValidation directive, an unknown field is never stored. Free-form values (RawExtension, FieldsV1, maps
 * of strings) are left as they are.
 */
public final class UnknownFieldPruner {

  private UnknownFieldPruner() {}

  /** Removes unknown fields from {@code object} in place. */
  public static void prune(TypeSchema type, ObjectNode object) {
    object(type, object);
  }

  private static void object(TypeSchema type, JsonNode value) {
    if (!(value instanceof ObjectNode object) || !type.hasProperties()) {
      return;
    }
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      Optional<FieldSchema> property = type.property(name);
      if (property.isEmpty()) {
        unknown.add(name);
      } else {
        value(property.get(), object.get(name));
      }
    }
    unknown.forEach(object::remove);
  }

  private static void value(FieldSchema schema, JsonNode value) {
    Optional<TypeSchema> ref = schema.referencedType();
    if (ref.isPresent()) {
      object(ref.get(), value);
    } else if (schema.isArray() && value.isArray()) {
      FieldSchema items = schema.items().orElseThrow();
      value.forEach(item -> value(items, item));
    } else if (schema.isMap() && value.isObject()) {
      schema.mapValues().ifPresent(values -> value.elements().forEachRemaining(v -> value(values, v)));
    }
  }
}
