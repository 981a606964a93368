package io.karst.apiserver.table;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Objects reduced to their metadata, as upstream answers {@code Accept: application/json;as=PartialObjectMetadata;
 * g=meta.k8s.io;v=v1} (and {@code PartialObjectMetadataList}, and v1beta1): the whole ObjectMeta, with
 * kind and apiVersion of meta.k8s.io.
 */
public final class PartialObjectMetadata {
    private PartialObjectMetadata() {
    }

    /**
     * One object's PartialObjectMetadata.
     *
     * @param groupVersion {@code meta.k8s.io/v1} or {@code meta.k8s.io/v1beta1}
     * @throws ConversionException 406 when the object is a list or the group version has no such kind
     */
    public static ObjectNode of(ObjectNode obj, String groupVersion) {
        if (isList(obj)) {
            throw ConversionException.notAcceptable("you requested PartialObjectMetadata, but the requested object "
                    + "is a list (" + goTypeName(obj) + ")");
        }
        requireMetaVersion(groupVersion, "PartialObjectMetadataList");
        return partial(obj, groupVersion);
    }

    /**
     * A list's PartialObjectMetadataList, keeping resourceVersion, continue and remainingItemCount. Like
     * upstream, an empty list has {@code "items": null}.
     *
     * @throws ConversionException 406 when the object is not a list or the group version has no such kind
     */
    public static ObjectNode ofList(ObjectNode list, String groupVersion) {
        if (!isList(list)) {
            throw ConversionException.notAcceptable("you requested PartialObjectMetadataList, but the requested "
                    + "object is not a list (" + goTypeName(list) + ")");
        }
        requireMetaVersion(groupVersion, "PartialObjectMetadataList");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("kind", "PartialObjectMetadataList");
        out.put("apiVersion", groupVersion);
        out.set("metadata", TableWriter.listMeta(list));
        if (list.path("items").size() == 0) {
            out.putNull("items");
        } else {
            var items = out.putArray("items");
            for (JsonNode item : list.path("items")) {
                items.add(partial((ObjectNode) item, groupVersion));
            }
        }
        return out;
    }

    static ObjectNode partial(ObjectNode obj, String groupVersion) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("kind", "PartialObjectMetadata");
        out.put("apiVersion", groupVersion);
        JsonNode metadata = obj.path("metadata");
        out.set("metadata", metadata.isObject() ? metadata.deepCopy() : JsonNodeFactory.instance.objectNode());
        return out;
    }

    static boolean isList(ObjectNode obj) {
        return obj.path("items").isArray() || obj.path("kind").asText("").endsWith("List") && !obj.has("spec");
    }

    /**
     * The message upstream puts here names the Go type of the internal object ({@code *core.PodList},
     * {@code *apps.Deployment}); the internal package is the first label of the group, {@code core} for "".
     */
    static String goTypeName(ObjectNode obj) {
        String apiVersion = obj.path("apiVersion").asText("");
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String pkg = group.isEmpty() || group.equals("events.k8s.io") ? "core"
                : group.split("\\.")[0].toLowerCase(Locale.ROOT);
        return "*" + pkg + "." + obj.path("kind").asText("");
    }

    private static void requireMetaVersion(String groupVersion, String kind) {
        if (!groupVersion.equals("meta.k8s.io/v1") && !groupVersion.equals("meta.k8s.io/v1beta1")) {
            throw ConversionException.notAcceptable("no " + kind + " exists in group version " + groupVersion);
        }
    }
}
