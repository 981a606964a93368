package io.karst.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The definitions of every Kubernetes API type, as generated at build time by tools/io.karst.schemagen from the
 * Kubernetes Java client's models: the one source for validation, OpenAPI and explain.
 */
public final class SchemaModel {

  static final String RESOURCE = "kubernetes-definitions.json";
  private static final String REF_PREFIX = "#/components/schemas/";

  private final String kubernetesVersion;
  private final Map<String, TypeSchema> definitions = new LinkedHashMap<>();
  private final Map<GroupVersionKind, TypeSchema> byKind = new HashMap<>();

  private SchemaModel(ObjectNode document) {
    this.kubernetesVersion = document.path("kubernetesVersion").asText();
    document.path("definitions").properties().forEach(e -> {
      TypeSchema type = new TypeSchema(this, e.getKey(), (ObjectNode) e.getValue());
      definitions.put(e.getKey(), type);
      type.groupVersionKinds().forEach(gvk -> byKind.putIfAbsent(gvk, type));
    });
  }

  /** The model of the built-in types that this bundle carries; read once. */
  public static SchemaModel builtIn() {
    return BuiltIn.MODEL;
  }

  private static final class BuiltIn {
    static final SchemaModel MODEL = load();

    private static SchemaModel load() {
      try (InputStream in = SchemaModel.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is missing from the bundle: the build generates it");
        }
        return read(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Reads a definitions document {"kubernetesVersion": ..., "definitions": {...}}. */
  public static SchemaModel read(InputStream json) throws IOException {
    JsonNode document = new ObjectMapper().readTree(json);
    if (!(document instanceof ObjectNode object) || !document.path("definitions").isObject()) {
      throw new IOException("not a definitions document");
    }
    return new SchemaModel(object);
  }

  public String kubernetesVersion() {
    return kubernetesVersion;
  }

  public Optional<TypeSchema> definition(String name) {
    return Optional.ofNullable(definitions.get(name));
  }

  /** The definition that upstream marks with x-kubernetes-group-version-kind for this kind. */
  public Optional<TypeSchema> forKind(GroupVersionKind gvk) {
    return Optional.ofNullable(byKind.get(gvk));
  }

  public Optional<TypeSchema> forKind(String group, String version, String kind) {
    return forKind(new GroupVersionKind(group, version, kind));
  }

  public Collection<TypeSchema> definitions() {
    return Collections.unmodifiableCollection(definitions.values());
  }

  /** The names of the given definitions and of every definition they refer to, transitively, sorted. */
  public Set<String> reachableFrom(Collection<String> roots) {
    Set<String> seen = new TreeSet<>();
    Deque<String> pending = new ArrayDeque<>(roots);
    while (!pending.isEmpty()) {
      String name = pending.pop();
      TypeSchema type = definitions.get(name);
      if (type != null && seen.add(name)) {
        collectRefs(type.json(), pending);
      }
    }
    return seen;
  }

  private static void collectRefs(JsonNode node, Deque<String> into) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().startsWith(REF_PREFIX)) {
        into.push(ref.asText().substring(REF_PREFIX.length()));
      }
      node.forEach(child -> collectRefs(child, into));
    } else if (node.isArray()) {
      node.forEach(child -> collectRefs(child, into));
    }
  }
}
