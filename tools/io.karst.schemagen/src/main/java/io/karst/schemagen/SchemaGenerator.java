package io.karst.schemagen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.annotations.SerializedName;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.karst.schemagen.ApiGroupCatalog.GroupVersion;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.proto.V1;
import io.swagger.annotations.ApiModel;
import io.swagger.annotations.ApiModelProperty;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes {@code {"kubernetesVersion", "definitions": {upstream name: OpenAPI v3 schema}}} for every type of the
 * Kubernetes API, joining client-java-api's generated models (fields, JSON names, descriptions, required) with
 * client-java-proto's descriptors (Go package names, Time vs MicroTime, RawExtension). Run at build time only.
 *
 * <p>Arguments: output file, Kubernetes version (e.g. 1.33).
 */
public final class SchemaGenerator {

  static final String MODELS_PACKAGE = "io.kubernetes.client.openapi.models";
  static final String REF_PREFIX = "#/components/schemas/";

  static final String TIME = DefinitionNamer.META_V1 + ".Time";
  static final String MICRO_TIME = DefinitionNamer.META_V1 + ".MicroTime";
  static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
  static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
  static final String RAW_EXTENSION = "io.k8s.apimachinery.pkg.runtime.RawExtension";
  static final String APIEXTENSIONS_V1 = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1";

  /** Below these the join has broken (a renamed annotation, a new generator): fail the build loudly. */
  static final int MIN_DEFINITIONS = 600;
  static final double MIN_DESCRIBED_PROPERTIES = 0.85;

  private static final Map<Class<?>, Set<Class<?>>> REFERRERS = new HashMap<>();

  private final JsonNodeFactory json = JsonNodeFactory.instance;
  private final ProtoCatalog proto;
  private final ProtoMarkers markers;
  private int marked;
  private final ApiGroupCatalog apis;
  private final DefinitionNamer namer;
  private int properties;
  private int describedProperties;
  private int protoFieldMismatches;

  private SchemaGenerator(ProtoCatalog proto, ProtoMarkers markers, ApiGroupCatalog apis, DefinitionNamer namer) {
    this.markers = markers;
    this.proto = proto;
    this.apis = apis;
    this.namer = namer;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: SchemaGenerator <output.json> <kubernetes version>");
    }
    List<Class<?>> models = new ArrayList<>();
    for (String name : JarClasses.topLevelClasses(V1Pod.class)) {
      try {
        Class<?> c = Class.forName(name);
        if (!Modifier.isAbstract(c.getModifiers()) && !c.isInterface() && !c.isEnum()) {
          models.add(c);
        }
      } catch (ClassNotFoundException e) {
        throw new IOException(e);
      }
    }
    models.forEach(SchemaGenerator::indexReferences);
    ProtoCatalog proto = ProtoCatalog.load(V1.class);
    ProtoMarkers markers = ProtoMarkers.load(V1.class);
    ApiGroupCatalog apis = ApiGroupCatalog.load();
    DefinitionNamer namer = new DefinitionNamer(proto, apis);
    namer.nameAll(models);
    SchemaGenerator generator = new SchemaGenerator(proto, markers, apis, namer);
    ObjectNode document = generator.generate(models, args[1]);
    Path out = Path.of(args[0]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().writeValue(out.toFile(), document);
    generator.report(document, out);
  }

  static boolean isKind(Class<?> model) {
    return hasJsonField(model, "apiVersion") && hasJsonField(model, "kind");
  }

  private static boolean hasJsonField(Class<?> model, String jsonName) {
    for (Field f : model.getDeclaredFields()) {
      SerializedName sn = f.getAnnotation(SerializedName.class);
      if (sn != null && sn.value().equals(jsonName)) {
        return true;
      }
    }
    return false;
  }

  static Set<Class<?>> referrers(Class<?> model) {
    return REFERRERS.getOrDefault(model, Set.of());
  }

  private static void indexReferences(Class<?> model) {
    for (Field f : jsonFields(model)) {
      for (Class<?> target : modelClassesIn(f.getGenericType())) {
        REFERRERS.computeIfAbsent(target, k -> new LinkedHashSet<>()).add(model);
      }
    }
  }

  private static List<Class<?>> modelClassesIn(Type type) {
    List<Class<?>> found = new ArrayList<>();
    if (type instanceof ParameterizedType p) {
      for (Type a : p.getActualTypeArguments()) {
        found.addAll(modelClassesIn(a));
      }
    } else if (type instanceof Class<?> c && c.getPackageName().equals(MODELS_PACKAGE)) {
      found.add(c);
    }
    return found;
  }

  private static List<Field> jsonFields(Class<?> model) {
    List<Field> fields = new ArrayList<>();
    for (Field f : model.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers()) && f.isAnnotationPresent(SerializedName.class)) {
        fields.add(f);
      }
    }
    return fields;
  }

  private ObjectNode generate(List<Class<?>> models, String kubernetesVersion) {
    Map<String, ObjectNode> definitions = new TreeMap<>();
    for (Class<?> model : models) {
      String name = namer.names.get(model);
      if (name != null) {
        definitions.put(name, definition(model, name));
      }
    }
    addScalarDefinitions(definitions);
    ObjectNode document = json.objectNode();
    document.put("kubernetesVersion", kubernetesVersion);
    document.put("source", "io.kubernetes:client-java-api and client-java-proto");
    ObjectNode defs = document.putObject("definitions");
    definitions.forEach(defs::set);
    return document;
  }

  /** Upstream's OpenAPI extensions for strategic merge patch and server-side apply, from the Go markers. */
  private ObjectNode withPatchExtensions(ObjectNode schema, FieldDescriptor protoField) {
    ProtoMarkers.Markers m = markers.of(protoField.getContainingType().getFullName(), protoField.getName());
    if (m == null) {
      return schema;
    }
    marked++;
    ObjectNode extended = schema.deepCopy();
    if (m.listMapKeys() != null) {
      ArrayNode keys = extended.putArray("x-kubernetes-list-map-keys");
      m.listMapKeys().forEach(keys::add);
    }
    if (m.listType() != null) {
      extended.put("x-kubernetes-list-type", m.listType());
    }
    if (m.patchMergeKey() != null) {
      extended.put("x-kubernetes-patch-merge-key", m.patchMergeKey());
    }
    if (m.patchStrategy() != null) {
      extended.put("x-kubernetes-patch-strategy", m.patchStrategy());
    }
    if (m.mapType() != null) {
      extended.put("x-kubernetes-map-type", m.mapType());
    }
    return extended;
  }

  private ObjectNode definition(Class<?> model, String name) {
    ObjectNode schema = json.objectNode();
    ApiModel apiModel = model.getAnnotation(ApiModel.class);
    if (apiModel != null && !apiModel.description().isBlank()) {
      schema.put("description", apiModel.description());
    }
    schema.put("type", "object");
    Descriptor message = proto.message(name);
    ObjectNode props = json.objectNode();
    ArrayNode required = json.arrayNode();
    for (Field field : jsonFields(model)) {
      String jsonName = field.getAnnotation(SerializedName.class).value();
      ApiModelProperty property = getter(model, field);
      FieldDescriptor protoField = message == null ? null : protoField(message, jsonName);
      if (message != null && protoField == null) {
        protoFieldMismatches++;
      }
      ObjectNode propertySchema = schemaOf(field.getGenericType(), protoField, name);
      // the Java generator drops the description beside a $ref, so only the others count for the join check
      boolean reference = propertySchema.has("$ref");
      properties += reference ? 0 : 1;
      if (property != null && !property.value().isBlank()) {
        describedProperties += reference ? 0 : 1;
        ObjectNode described = json.objectNode();
        described.put("description", property.value());
        described.setAll(propertySchema);
        propertySchema = described;
      }
      if (protoField != null) {
        propertySchema = withPatchExtensions(propertySchema, protoField);
      }
      props.set(jsonName, propertySchema);
      if (property != null && property.required()) {
        required.add(jsonName);
      }
    }
    if (!props.isEmpty()) {
      schema.set("properties", props);
    }
    if (!required.isEmpty()) {
      schema.set("required", required);
    }
    if (message != null && markers.atomic(message.getFullName())) {
      schema.put("x-kubernetes-map-type", "atomic");
    }
    ArrayNode gvks = groupVersionKinds(model, name);
    if (!gvks.isEmpty()) {
      schema.set("x-kubernetes-group-version-kind", gvks);
    }
    return schema;
  }

  private static FieldDescriptor protoField(Descriptor message, String jsonName) {
    for (FieldDescriptor f : message.getFields()) {
      if (f.getJsonName().equals(jsonName) || f.getName().equals(jsonName)) {
        return f;
      }
    }
    return null;
  }

  private static ApiModelProperty getter(Class<?> model, Field field) {
    String suffix = Character.toUpperCase(field.getName().charAt(0)) + field.getName().substring(1);
    for (String prefix : new String[] {"get", "is"}) {
      try {
        Method m = model.getMethod(prefix + suffix);
        ApiModelProperty p = m.getAnnotation(ApiModelProperty.class);
        if (p != null) {
          return p;
        }
      } catch (NoSuchMethodException ignored) {
        // try the next accessor style
      }
    }
    return null;
  }

  private ObjectNode schemaOf(Type type, FieldDescriptor protoField, String owner) {
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
        ObjectNode array = json.objectNode().put("type", "array");
        array.set("items", schemaOf(args[0], protoField, owner));
        return array;
      }
      if (Map.class.isAssignableFrom(raw)) {
        ObjectNode map = json.objectNode().put("type", "object");
        map.set("additionalProperties", schemaOf(args[1], protoField, owner));
        return map;
      }
      throw new IllegalStateException("unexpected generic type " + type + " in " + owner);
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) {
      return json.objectNode().put("type", "string");
    }
    if (c == byte[].class) {
      return json.objectNode().put("type", "string").put("format", "byte");
    }
    if (c == Integer.class || c == int.class) {
      return json.objectNode().put("type", "integer").put("format", "int32");
    }
    if (c == Long.class || c == long.class) {
      return json.objectNode().put("type", "integer").put("format", "int64");
    }
    if (c == Boolean.class || c == boolean.class) {
      return json.objectNode().put("type", "boolean");
    }
    if (c == Double.class || c == Float.class || c == java.math.BigDecimal.class) {
      return json.objectNode().put("type", "number").put("format", "double");
    }
    if (c == IntOrString.class) {
      return ref(INT_OR_STRING);
    }
    if (c == Quantity.class) {
      return ref(QUANTITY);
    }
    if (c == OffsetDateTime.class) {
      String fromProto = protoField == null ? null : ProtoCatalog.referencedDefinition(protoField);
      return ref(MICRO_TIME.equals(fromProto) ? MICRO_TIME : TIME);
    }
    if (c == Object.class) {
      String fromProto = protoField == null ? null : ProtoCatalog.referencedDefinition(protoField);
      if (fromProto != null) {
        return ref(fromProto.replace(".v1beta1.JSON", ".v1.JSON"));
      }
      // apiextensions/v1 is missing from the proto artifact: its untyped fields are JSON values
      return ref(owner.startsWith(APIEXTENSIONS_V1) ? APIEXTENSIONS_V1 + ".JSON" : RAW_EXTENSION);
    }
    String name = namer.names.get(c);
    if (name == null) {
      throw new IllegalStateException("no definition for " + c + " used in " + owner);
    }
    return ref(name);
  }

  private ObjectNode ref(String definition) {
    return json.objectNode().put("$ref", REF_PREFIX + definition);
  }

  /** The kinds upstream registers: every kind of a served group, and the meta kinds every group shares. */
  private ArrayNode groupVersionKinds(Class<?> model, String name) {
    ArrayNode list = json.arrayNode();
    if (!isKind(model)) {
      return list;
    }
    String kind = name.substring(name.lastIndexOf('.') + 1);
    GroupVersion own = namer.groupVersionOf(name);
    if (own != null) {
      list.add(gvk(own.group(), own.version(), kind));
    } else if (name.startsWith(DefinitionNamer.META_V1 + ".")) {
      // meta/v1 kinds are registered in the core group; options types in every group-version
      if (kind.equals("DeleteOptions") || kind.equals("WatchEvent")) {
        for (GroupVersion gv : apis.groupVersions()) {
          list.add(gvk(gv.group(), gv.version(), kind));
        }
      } else {
        list.add(gvk("", "v1", kind));
      }
    }
    return list;
  }

  private ObjectNode gvk(String group, String version, String kind) {
    return json.objectNode().put("group", group).put("kind", kind).put("version", version);
  }

  /** Types upstream maps to JSON scalars or free-form values; their descriptions are written here. */
  private void addScalarDefinitions(Map<String, ObjectNode> definitions) {
    definitions.put(TIME, json.objectNode()
        .put("description", "Time is a timestamp in RFC 3339 form, with a precision of one second.")
        .put("type", "string").put("format", "date-time"));
    definitions.put(MICRO_TIME, json.objectNode()
        .put("description", "MicroTime is a timestamp in RFC 3339 form, with a precision of one microsecond.")
        .put("type", "string").put("format", "date-time"));
    definitions.put(INT_OR_STRING, json.objectNode()
        .put("description", "IntOrString holds either a 32-bit integer or a string.")
        .put("type", "string").put("format", "int-or-string"));
    definitions.put(QUANTITY, json.objectNode()
        .put("description", "Quantity is a fixed-point number with an optional suffix: a binary SI suffix (Ki, Mi,"
            + " Gi, Ti, Pi, Ei), a decimal SI suffix (n, u, m, '', k, M, G, T, P, E) or a decimal exponent (e3).")
        .put("type", "string"));
    definitions.put(RAW_EXTENSION, json.objectNode()
        .put("description", "RawExtension holds a complete serialized object of another kind.")
        .put("type", "object"));
    definitions.put(DefinitionNamer.META_V1 + ".FieldsV1", json.objectNode()
        .put("description", "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.")
        .put("type", "object"));
    definitions.put(DefinitionNamer.META_V1 + ".Patch", json.objectNode()
        .put("description", "Patch is provided to give a concrete name and type to the Kubernetes PATCH request"
            + " body.")
        .put("type", "object"));
    definitions.put(APIEXTENSIONS_V1 + ".JSON", json.objectNode()
        .put("description", "JSON represents any valid JSON value: bool, int64, float64, string, list, object"
            + " or null."));
  }

  private void report(ObjectNode document, Path out) {
    int definitions = document.path("definitions").size();
    Map<DefinitionNamer.Source, Integer> bySource = new TreeMap<>();
    namer.sources.values().forEach(s -> bySource.merge(s, 1, Integer::sum));
    double described = properties == 0 ? 0 : (double) describedProperties / properties;
    System.out.printf("schemagen: %d definitions (Kubernetes %s), names by %s, %d proto messages;"
            + " %d of %d non-reference properties described (%d without), %d model fields absent from the"
            + " (older) proto messages%n",
        definitions, document.path("kubernetesVersion").asText(), bySource, proto.size(), describedProperties,
        properties, properties - describedProperties, protoFieldMismatches);
    System.out.printf("schemagen: %d properties carry patch/list extensions (%d fields with markers in the proto"
        + " sources); %d types owned whole by apply (+structType=atomic)%n", marked, markers.size(),
        markers.atomicMessages());
    if (marked == 0) {
      throw new IllegalStateException("no patch markers found: is client-java-proto's sources jar on the class path?");
    }
    namer.sources.forEach((c, s) -> {
      // names inferred from the referring types are the weakest: list them on request (-Dschemagen.verbose)
      if (s == DefinitionNamer.Source.META_FALLBACK
          || (s == DefinitionNamer.Source.REFERENCES && Boolean.getBoolean("schemagen.verbose"))) {
        System.out.println("schemagen:   named by " + s + ": " + c.getSimpleName() + " -> " + namer.names.get(c));
      }
    });
    if (definitions < MIN_DEFINITIONS || described < MIN_DESCRIBED_PROPERTIES) {
      throw new IllegalStateException("schemagen: the join of models and descriptors looks broken (" + definitions
          + " definitions, " + Math.round(described * 100) + "% of properties described); see above");
    }
    System.out.println("schemagen: wrote " + out);
  }
}
