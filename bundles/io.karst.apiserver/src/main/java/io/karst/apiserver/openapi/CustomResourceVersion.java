package io.karst.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karst.apiserver.validation.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * What the OpenAPI documents publish of one served version of a CustomResourceDefinition: its names, scope,
 * subresources and {@code openAPIV3Schema}. A record, so that unchanged CRDs compare equal and their rendered
 * documents are kept.
 *
 * @param schema the version's {@code openAPIV3Schema}, or null when it has none
 * @param preserveUnknownFields the CRD's {@code spec.preserveUnknownFields} (v1 allows only false, but stored
 *     v1beta1 CRDs may carry true)
 */
public record CustomResourceVersion(String group, String version, String kind, String listKind, String plural,
    boolean namespaced, JsonNode schema, boolean status, boolean scale, boolean preserveUnknownFields) {

  /**
   * The served versions of a CRD, named by its {@code spec.names} as upstream's builder names them (an established
   * CRD's accepted names are the same).
   */
  public static List<CustomResourceVersion> of(ObjectNode crd) {
    ObjectNode spec = Json.obj(crd, "spec");
    ObjectNode names = Json.obj(spec, "names");
    String kind = Json.text(names, "kind");
    String listKind = Json.text(names, "listKind").isEmpty() ? kind + "List" : Json.text(names, "listKind");
    List<CustomResourceVersion> versions = new ArrayList<>();
    for (ObjectNode v : Json.objects(spec, "versions")) {
      if (!Json.bool(v, "served")) {
        continue;
      }
      JsonNode schema = v.path("schema").get("openAPIV3Schema");
      JsonNode sub = v.path("subresources");
      versions.add(new CustomResourceVersion(Json.text(spec, "group"), Json.text(v, "name"), kind, listKind,
          Json.text(names, "plural"), Json.text(spec, "scope").equals("Namespaced"),
          schema instanceof ObjectNode ? schema.deepCopy() : null, sub.path("status").isObject(),
          sub.path("scale").isObject(), Json.bool(spec, "preserveUnknownFields")));
    }
    return versions;
  }

  /** apis/stable.example.com/v1: the key of the /openapi/v3 index. */
  public String groupVersionPath() {
    return "apis/" + group + "/" + version;
  }
}
