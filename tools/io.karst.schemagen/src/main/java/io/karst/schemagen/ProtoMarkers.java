package io.karst.schemagen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Go struct markers of the Kubernetes types that the OpenAPI extensions for patching come from
 * ({@code +patchMergeKey}, {@code +patchStrategy}, {@code +listType}, {@code +listMapKey}). Neither the generated
 * models nor the protobuf descriptors keep them, but protoc copies each field's comment from the upstream
 * {@code generated.proto} into the Javadoc of the generated Java sources, which client-java-proto publishes as its
 * {@code sources} jar: this reads them from there, per message and field.
 */
final class ProtoMarkers {

  /** The markers of one field; null members are absent. */
  record Markers(String patchMergeKey, String patchStrategy, String listType, List<String> listMapKeys,
      String mapType) {}

  private static final Pattern MESSAGE =
      Pattern.compile("public interface (\\w+)OrBuilder extends");
  private static final Pattern JAVADOC = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);
  private static final Pattern FIELD = Pattern.compile("<code>[^<]*?\\s(\\w+) = \\d+;</code>");
  private static final Pattern MARKER =
      Pattern.compile("\\+(patchMergeKey|patchStrategy|listType|listMapKey|mapType)=([\\w,.-]+)");
  private static final Pattern MESSAGE_TYPE = Pattern.compile("Protobuf type \\{@code ([\\w.]+)\\}");
  private static final Pattern ATOMIC_TYPE = Pattern.compile("\\+(structType|mapType)=atomic");

  private final Map<String, Markers> byField = new HashMap<>();
  /** Messages whose Go type is marked {@code +structType=atomic} (or {@code +mapType=atomic}): owned whole by apply. */
  private final java.util.Set<String> atomicMessages = new java.util.HashSet<>();

  /**
   * @param protoPackage e.g. {@code k8s.io.api.core.v1}
   * @param outerClass the generated outer class whose source to read, e.g. {@code io.kubernetes.client.proto.V1}
   */
  static ProtoMarkers load(Class<?> anchor) throws IOException {
    ProtoMarkers markers = new ProtoMarkers();
    for (String className : JarClasses.topLevelClasses(anchor)) {
      try {
        Object descriptor = Class.forName(className).getMethod("getDescriptor").invoke(null);
        if (descriptor instanceof com.google.protobuf.Descriptors.FileDescriptor file) {
          markers.read(file.getPackage(), className, anchor.getClassLoader());
        }
      } catch (ReflectiveOperationException | LinkageError notAProtoFile) {
        // only generated outer classes have descriptors
      }
    }
    return markers;
  }

  void read(String protoPackage, String outerClass, ClassLoader loader) throws IOException {
    String resource = outerClass.replace('.', '/') + ".java";
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(resource + " not on the class path: the build needs client-java-proto's sources jar");
      }
      parse(protoPackage, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  void parse(String protoPackage, String source) {
    List<int[]> messageStarts = new ArrayList<>();
    List<String> messageNames = new ArrayList<>();
    Matcher m = MESSAGE.matcher(source);
    while (m.find()) {
      messageStarts.add(new int[] {m.start()});
      messageNames.add(m.group(1));
    }
    Matcher doc = JAVADOC.matcher(source);
    while (doc.find()) {
      String text = doc.group(1);
      Matcher type = MESSAGE_TYPE.matcher(text);
      if (type.find() && ATOMIC_TYPE.matcher(text).find()) {
        atomicMessages.add(type.group(1));
        continue;
      }
      Matcher field = FIELD.matcher(text);
      if (!field.find()) {
        continue;
      }
      String message = enclosing(doc.start(), messageStarts, messageNames);
      if (message == null) {
        continue;
      }
      Map<String, List<String>> found = new LinkedHashMap<>();
      Matcher marker = MARKER.matcher(text);
      while (marker.find()) {
        found.computeIfAbsent(marker.group(1), k -> new ArrayList<>()).add(marker.group(2));
      }
      if (found.isEmpty()) {
        continue;
      }
      byField.putIfAbsent(protoPackage + "." + message + "#" + field.group(1), new Markers(
          first(found, "patchMergeKey"), first(found, "patchStrategy"), first(found, "listType"),
          found.containsKey("listMapKey") ? List.copyOf(found.get("listMapKey")) : null,
          first(found, "mapType")));
    }
  }

  /** The message whose OrBuilder interface most recently started before {@code offset}. */
  private static String enclosing(int offset, List<int[]> starts, List<String> names) {
    String name = null;
    for (int i = 0; i < starts.size() && starts.get(i)[0] < offset; i++) {
      name = names.get(i);
    }
    return name;
  }

  private static String first(Map<String, List<String>> found, String key) {
    List<String> values = found.get(key);
    return values == null ? null : values.get(0);
  }

  /** The markers of a field of a message, e.g. ({@code k8s.io.api.core.v1.Container}, {@code env}). */
  Markers of(String messageFullName, String protoFieldName) {
    return byField.get(messageFullName + "#" + protoFieldName);
  }

  /** Whether a message (full proto name) is owned as a whole by server-side apply. */
  boolean atomic(String messageFullName) {
    return atomicMessages.contains(messageFullName);
  }

  int atomicMessages() {
    return atomicMessages.size();
  }

  int size() {
    return byField.size();
  }
}
