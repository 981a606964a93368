package io.karst.apiserver.table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upstream's Accept negotiation for resource endpoints. Media ranges are ordered by quality (then specific
 * before wildcard, otherwise as sent); the first one that a served media type matches and whose parameters
 * the endpoint allows wins. {@code as}/{@code g}/{@code v} ask for a conversion: a Table (JSON or YAML only, v1
 * or v1beta1) or PartialObjectMetadata(List) (any served type); anything else, such as {@code as=Table} without
 * {@code g} and {@code v}, disqualifies that range. When nothing matches the answer is 406 NotAcceptable.
 */
public final class AcceptHeader {
    private static final String META_GROUP = "meta.k8s.io";

    private AcceptHeader() {
    }

    /**
     * @param header the Accept header, null or empty for the first served type
     * @param served the media types the endpoint serializes, preferred first (e.g. application/json,
     *        application/yaml, application/vnd.kubernetes.protobuf)
     * @param tables whether the endpoint can convert to Table (every built-in resource can)
     * @throws ConversionException 406 NotAcceptable with upstream's message when no range is acceptable
     */
    public static MediaTypeChoice negotiate(String header, List<String> served, boolean tables) {
        if (header == null || header.isEmpty()) {
            return new MediaTypeChoice(served.get(0), MediaTypeChoice.Conversion.NONE, null, false, "");
        }
        for (MediaRange clause : parse(header)) {
            for (String accepted : served) {
                String[] typeSub = accepted.split("/", 2);
                boolean matches = clause.type.equals(typeSub[0]) && clause.subType.equals(typeSub[1])
                        || clause.type.equals(typeSub[0]) && clause.subType.equals("*")
                        || clause.type.equals("*") && clause.subType.equals("*");
                if (!matches) {
                    continue;
                }
                MediaTypeChoice choice = accept(clause.params, accepted, typeSub[1], tables);
                if (choice != null) {
                    return choice;
                }
            }
        }
        throw ConversionException.notAcceptable("only the following media types are accepted: "
                + String.join(", ", served));
    }

    /** The parameters of one matching range against one served type; null when the endpoint refuses them. */
    private static MediaTypeChoice accept(Map<String, String> params, String mediaType, String subType,
            boolean tables) {
        String as = null;
        String group = null;
        String version = null;
        boolean convert = false;
        boolean pretty = false;
        String stream = "";
        for (Map.Entry<String, String> p : params.entrySet()) {
            String v = p.getValue();
            switch (p.getKey()) {
                case "as" -> {
                    as = v;
                    convert = true;
                }
                case "g" -> {
                    group = v;
                    convert = true;
                }
                case "v" -> {
                    version = v;
                    convert = true;
                }
                case "stream" -> {
                    // only JSON and protobuf have a stream (watch) framing
                    if (!v.isEmpty() && (!v.equals("watch") || subType.equals("yaml"))) {
                        return null;
                    }
                    stream = v;
                }
                case "sv" -> {
                    if (!v.isEmpty()) {
                        return null;
                    }
                }
                case "pretty" -> pretty = v.equals("1");
                default -> {
                    // unrecognized parameters are ignored
                }
            }
        }
        if (!convert) {
            return new MediaTypeChoice(mediaType, MediaTypeChoice.Conversion.NONE, null, pretty, stream);
        }
        boolean metaVersion = META_GROUP.equals(group) && ("v1".equals(version) || "v1beta1".equals(version));
        if (!metaVersion) {
            return null;
        }
        String groupVersion = META_GROUP + "/" + version;
        if ("Table".equals(as)) {
            boolean textual = mediaType.startsWith("application/") && (subType.equals("json") || subType.equals("yaml"));
            return tables && textual
                    ? new MediaTypeChoice(mediaType, MediaTypeChoice.Conversion.TABLE, groupVersion, pretty, stream)
                    : null;
        }
        if ("PartialObjectMetadata".equals(as)) {
            return new MediaTypeChoice(mediaType, MediaTypeChoice.Conversion.PARTIAL_OBJECT_METADATA, groupVersion,
                    pretty, stream);
        }
        if ("PartialObjectMetadataList".equals(as)) {
            return new MediaTypeChoice(mediaType, MediaTypeChoice.Conversion.PARTIAL_OBJECT_METADATA_LIST,
                    groupVersion, pretty, stream);
        }
        return null;
    }

    /** One media range of the header. */
    record MediaRange(String type, String subType, double quality, Map<String, String> params) {
    }

    /**
     * goautoneg's parse: ranges split on commas and semicolons, malformed ones dropped, q defaulting to 1 (and 0
     * when unparseable), then ordered by its comparison with an insertion sort, which is what Go's sort does
     * for short lists and keeps equal ranges in their order.
     */
    static List<MediaRange> parse(String header) {
        List<MediaRange> ranges = new ArrayList<>();
        for (String part : header.split(",", -1)) {
            String[] pieces = part.split(";", -1);
            String[] typeSub = pieces[0].split("/", -1);
            String type = typeSub[0].strip();
            String subType;
            if (typeSub.length == 1 && type.equals("*")) {
                subType = "*";
            } else if (typeSub.length == 2) {
                subType = typeSub[1].strip();
            } else {
                continue;
            }
            double q = 1.0;
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 1; i < pieces.length; i++) {
                String[] kv = pieces[i].split("=", 2);
                if (kv.length != 2) {
                    continue;
                }
                String token = kv[0].strip();
                if (token.equals("q")) {
                    q = parseQuality(kv[1]);
                } else {
                    params.put(token, kv[1].strip());
                }
            }
            ranges.add(new MediaRange(type, subType, q, params));
        }
        for (int i = 1; i < ranges.size(); i++) {
            for (int j = i; j > 0 && less(ranges.get(j), ranges.get(j - 1)); j--) {
                MediaRange t = ranges.get(j);
                ranges.set(j, ranges.get(j - 1));
                ranges.set(j - 1, t);
            }
        }
        return ranges;
    }

    private static boolean less(MediaRange a, MediaRange b) {
        if (a.quality > b.quality) {
            return true;
        }
        if (!a.type.equals("*") && b.type.equals("*")) {
            return true;
        }
        return !a.subType.equals("*") && b.subType.equals("*");
    }

    /** strconv.ParseFloat without trimming: anything unparseable is 0. */
    private static double parseQuality(String text) {
        if (text.isEmpty() || !text.equals(text.strip())) {
            return 0;
        }
        try {
            return (float) Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
