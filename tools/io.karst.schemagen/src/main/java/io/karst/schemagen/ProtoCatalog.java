package io.karst.schemagen;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The message names of the Kubernetes protobuf descriptors shipped in client-java-proto. A message
 * {@code k8s.io.api.core.v1.PodSpec} carries the exact Go package of the OpenAPI definition
 * {@code io.k8s.api.core.v1.PodSpec}, which the generated Java models have lost.
 */
final class ProtoCatalog {

  private final Map<String, Descriptor> byDefinitionName = new LinkedHashMap<>();
  private final Map<String, List<String>> definitionNamesByVersionAndName = new HashMap<>();

  static ProtoCatalog load(Class<?> anchor) throws IOException {
    ProtoCatalog catalog = new ProtoCatalog();
    for (String className : JarClasses.topLevelClasses(anchor)) {
      try {
        Object descriptor = Class.forName(className).getMethod("getDescriptor").invoke(null);
        if (descriptor instanceof FileDescriptor file) {
          file.getMessageTypes().forEach(catalog::add);
        }
      } catch (ReflectiveOperationException | LinkageError notAProtoFile) {
        // the jar holds only generated outer classes; anything else has nothing to offer
      }
    }
    return catalog;
  }

  private void add(Descriptor message) {
    String name = definitionName(message);
    if (byDefinitionName.putIfAbsent(name, message) != null) {
      return;
    }
    String pkg = message.getFile().getPackage();
    String version = pkg.substring(pkg.lastIndexOf('.') + 1);
    definitionNamesByVersionAndName
        .computeIfAbsent(version + "/" + message.getName(), k -> new ArrayList<>())
        .add(name);
  }

  /** k8s.io.apiextensions_apiserver.pkg... becomes io.k8s.apiextensions-apiserver.pkg..., as upstream names it. */
  static String definitionName(Descriptor message) {
    String pkg = message.getFile().getPackage().replace('_', '-');
    return (pkg.startsWith("k8s.io.") ? "io.k8s." + pkg.substring(7) : pkg) + "." + message.getName();
  }

  List<String> candidates(String version, String simpleName) {
    return definitionNamesByVersionAndName.getOrDefault(version + "/" + simpleName, List.of());
  }

  Descriptor message(String definitionName) {
    return byDefinitionName.get(definitionName);
  }

  /** The definition a message-typed field refers to, or null for scalars. */
  static String referencedDefinition(FieldDescriptor field) {
    if (field.getType() != FieldDescriptor.Type.MESSAGE) {
      return null;
    }
    Descriptor type = field.getMessageType();
    if (field.isMapField()) {
      FieldDescriptor value = type.findFieldByName("value");
      return value.getType() == FieldDescriptor.Type.MESSAGE ? definitionName(value.getMessageType()) : null;
    }
    return definitionName(type);
  }

  int size() {
    return byDefinitionName.size();
  }
}
