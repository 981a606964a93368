package io.karst.schemagen;

import io.karst.schemagen.ApiGroupCatalog.GroupVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives each generated model class its upstream OpenAPI definition name. The Java generator kept only the
 * version and the Go type name ({@code V1PodSpec}, or {@code CoreV1Event} where two groups share a name);
 * the Go package comes, in order of trust, from the protobuf descriptors, from the API group that sends
 * or receives the class, and last from the packages of the types that refer to it.
 */
final class DefinitionNamer {

  /** Name prefix, version, Go type name: CoreV1Event = Core + V1 + Event. */
  private static final Pattern CLASS_NAME =
      Pattern.compile("^([A-Z][a-z]+)?(V\\d+(?:alpha\\d+|beta\\d+)?)([A-Z]\\w*)$");

  static final String META_V1 = "io.k8s.apimachinery.pkg.apis.meta.v1";
  static final String VERSION_INFO = "io.k8s.apimachinery.pkg.version.Info";

  /** Where a group's Go types live when it is not k8s.io/api/<first label of the group>. */
  private static final Map<String, String> PACKAGE_ROOT_EXCEPTIONS = Map.of(
      "", "io.k8s.api.core",
      "apiextensions.k8s.io", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions",
      "apiregistration.k8s.io", "io.k8s.kube-aggregator.pkg.apis.apiregistration",
      "internal.apiserver.k8s.io", "io.k8s.api.apiserverinternal");

  /**
   * apimachinery types newer than the proto artifact that only one group uses, so their users cannot tell
   * where they live (FieldSelectorRequirement: Kubernetes 1.31, used by authorization/v1).
   */
  private static final Set<String> META_TYPES_USED_BY_ONE_GROUP = Set.of("FieldSelectorRequirement");

  record ClassName(String prefix, String version, String typeName) {}

  enum Source { PROTO, API_GROUP, REFERENCES, META_FALLBACK }

  private final ProtoCatalog proto;
  private final ApiGroupCatalog apis;
  private final Map<String, String> rootByFirstLabel = new TreeMap<>();
  private final Map<String, GroupVersion> groupVersionByPackage = new TreeMap<>();
  final Map<Class<?>, String> names = new LinkedHashMap<>();
  final Map<Class<?>, Source> sources = new LinkedHashMap<>();

  DefinitionNamer(ProtoCatalog proto, ApiGroupCatalog apis) {
    this.proto = proto;
    this.apis = apis;
    for (GroupVersion gv : apis.groupVersions()) {
      String root = packageRoot(gv.group());
      rootByFirstLabel.put(gv.group().isEmpty() ? "core" : gv.group().split("\\.")[0], root);
      groupVersionByPackage.put(root + "." + gv.version(), gv);
    }
  }

  static String packageRoot(String group) {
    String exception = PACKAGE_ROOT_EXCEPTIONS.get(group);
    return exception != null ? exception : "io.k8s.api." + group.split("\\.")[0];
  }

  static ClassName parse(Class<?> model) {
    Matcher m = CLASS_NAME.matcher(model.getSimpleName());
    if (!m.matches()) {
      return null;
    }
    String version = Character.toLowerCase(m.group(2).charAt(0)) + m.group(2).substring(1);
    return new ClassName(m.group(1), version, m.group(3));
  }

  /** The group-version whose Go package holds this definition, or null (meta and others). */
  GroupVersion groupVersionOf(String definitionName) {
    return groupVersionByPackage.get(definitionName.substring(0, definitionName.lastIndexOf('.')));
  }

  void nameAll(List<Class<?>> models) {
    List<Class<?>> pending = new ArrayList<>();
    for (Class<?> model : models) {
      ClassName parsed = parse(model);
      if (parsed == null) {
        if (model.getSimpleName().equals("VersionInfo")) {
          name(model, VERSION_INFO, Source.API_GROUP);
        }
        continue;
      }
      String fromProto = fromProto(parsed);
      if (fromProto != null) {
        name(model, fromProto, Source.PROTO);
      } else if (parsed.prefix() != null && rootByFirstLabel.containsKey(parsed.prefix().toLowerCase())) {
        name(model, rootByFirstLabel.get(parsed.prefix().toLowerCase()) + "." + parsed.version() + "."
            + parsed.typeName(), Source.API_GROUP);
      } else {
        String fromGroup = fromApiGroup(model, parsed);
        if (fromGroup != null) {
          name(model, fromGroup, Source.API_GROUP);
        } else {
          pending.add(model);
        }
      }
    }
    nameByReferences(pending);
  }

  private void name(Class<?> model, String name, Source source) {
    names.put(model, name);
    sources.put(model, source);
  }

  private String fromProto(ClassName parsed) {
    List<String> candidates = proto.candidates(parsed.version(), parsed.typeName());
    if (parsed.prefix() != null) {
      String root = rootByFirstLabel.get(parsed.prefix().toLowerCase());
      candidates = candidates.stream().filter(c -> root != null && c.startsWith(root + ".")).toList();
    }
    return candidates.size() == 1 ? candidates.get(0) : null;
  }

  /** A kind (it has apiVersion and kind) lives in the group that serves it at its version. */
  private String fromApiGroup(Class<?> model, ClassName parsed) {
    if (!SchemaGenerator.isKind(model)) {
      return null;
    }
    Set<GroupVersion> candidates = new LinkedHashSet<>();
    for (GroupVersion gv : apis.usedBy(model)) {
      if (gv.version().equals(parsed.version())) {
        candidates.add(gv);
      }
    }
    if (candidates.size() != 1) {
      return null;
    }
    return packageRoot(candidates.iterator().next().group()) + "." + parsed.version() + "." + parsed.typeName();
  }

  /**
   * A helper type belongs to the package of the types that use it. Go packages import core/v1 and never the
   * other way round, so a type used from core and from elsewhere is core's; one used only from several other
   * groups must come from a package they all import, which for Kubernetes API types is apimachinery's meta/v1.
   */
  private void nameByReferences(List<Class<?>> pending) {
    boolean progress = true;
    boolean strict = true;
    while (!pending.isEmpty() && (progress || strict)) {
      // when only cycles are left (JSONSchemaProps refers to itself), decide on the referrers already named
      strict = progress;
      progress = false;
      for (var it = pending.iterator(); it.hasNext(); ) {
        Class<?> model = it.next();
        Set<String> roots = new LinkedHashSet<>();
        boolean unresolvedReferrer = false;
        for (Class<?> referrer : SchemaGenerator.referrers(model)) {
          String referrerName = names.get(referrer);
          if (referrerName == null) {
            unresolvedReferrer |= referrer != model;
            continue;
          }
          String pkg = referrerName.substring(0, referrerName.lastIndexOf('.'));
          roots.add(pkg.substring(0, pkg.lastIndexOf('.')));
        }
        if (roots.isEmpty() || (strict && unresolvedReferrer)) {
          continue;
        }
        ClassName parsed = parse(model);
        if (META_TYPES_USED_BY_ONE_GROUP.contains(parsed.typeName())) {
          roots.add(META_V1);
        }
        String root = roots.contains("io.k8s.api.core") ? "io.k8s.api.core"
            : roots.size() == 1 ? roots.iterator().next() : null;
        if (root == null) {
          name(model, META_V1 + "." + parsed.typeName(), Source.META_FALLBACK);
        } else {
          name(model, root + "." + parsed.version() + "." + parsed.typeName(), Source.REFERENCES);
        }
        it.remove();
        progress = true;
      }
    }
    if (!pending.isEmpty()) {
      throw new IllegalStateException("no upstream definition name found for " + pending);
    }
  }
}
