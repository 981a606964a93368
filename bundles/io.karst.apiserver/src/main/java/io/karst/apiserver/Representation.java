package io.karst.apiserver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.karst.apiserver.status.ApiException;

/**
 * What a discovery request asked for in its Accept header: plain JSON or YAML, or the aggregated discovery
 * document; ranges are tried by quality, then position, as upstream's negotiation does. Resource requests
 * negotiate through {@code table.AcceptHeader}, which also knows Tables.
 */
record Representation(Kind kind, String contentType, String groupVersion, Representation fallback) {

    enum Kind { JSON, YAML, DISCOVERY, PROTOBUF }

    /**
     * @param fallback for protobuf, what the same Accept header takes when an object has no protobuf form (client-go
     *        sends {@code application/vnd.kubernetes.protobuf,application/json}); null when it takes nothing else
     */
    Representation {
    }

    Representation(Kind kind, String contentType, String groupVersion) {
        this(kind, contentType, groupVersion, null);
    }

    static final Representation JSON_OBJECT = new Representation(Kind.JSON, "application/json", null);

    /**
     * @param discovery whether the request is for {@code /api} or {@code /apis}, where aggregated discovery exists
     */
    static Representation negotiate(String accept, boolean discovery) {
        if (accept == null || accept.isBlank()) {
            return JSON_OBJECT;
        }
        List<MediaRange> ranges = new ArrayList<>();
        int position = 0;
        for (String part : accept.split(",")) {
            MediaRange range = MediaRange.parse(part, position++);
            if (range != null) {
                ranges.add(range);
            }
        }
        ranges.sort((a, b) -> a.quality != b.quality ? Double.compare(b.quality, a.quality)
                : Integer.compare(a.position, b.position));
        for (MediaRange r : ranges) {
            Representation chosen = r.representation(discovery);
            if (chosen != null) {
                return chosen;
            }
        }
        throw ApiException.notAcceptable("application/json, application/yaml, "
                + "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    }

    private record MediaRange(String type, String as, String version, String group, double quality, int position) {
        static MediaRange parse(String text, int position) {
            String[] parts = text.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            if (type.isEmpty()) {
                return null;
            }
            String as = null;
            String v = null;
            String g = null;
            double q = 1.0;
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].trim().split("=", 2);
                if (kv.length != 2) {
                    continue;
                }
                String value = kv[1].trim();
                switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
                    case "as" -> as = value;
                    case "v" -> v = value;
                    case "g" -> g = value;
                    case "q" -> {
                        try {
                            q = Double.parseDouble(value);
                        } catch (NumberFormatException e) {
                            q = 0;
                        }
                    }
                    default -> {
                    }
                }
            }
            return new MediaRange(type, as, v, g, q, position);
        }

        Representation representation(boolean discovery) {
            if (quality <= 0) {
                return null;
            }
            boolean json = type.equals("application/json") || type.equals("*/*") || type.equals("application/*");
            if (as == null) {
                if (json) {
                    return JSON_OBJECT;
                }
                if (type.equals("application/yaml")) {
                    return new Representation(Kind.YAML, "application/yaml", null);
                }
                return null;
            }
            if (!type.equals("application/json")) {
                return null;
            }
            if (as.equals("APIGroupDiscoveryList") && discovery && "apidiscovery.k8s.io".equals(group)
                    && ("v2".equals(version) || "v2beta1".equals(version))) {
                return new Representation(Kind.DISCOVERY,
                        "application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList",
                        "apidiscovery.k8s.io/" + version);
            }
            return null;
        }
    }
}
