package io.karst.apiserver.codec;

import java.util.Locale;

/** The media types of the resource API, and the small parsing both request and response sides need. */
public final class MediaTypes {
    public static final String JSON = "application/json";
    public static final String YAML = "application/yaml";
    public static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
    public static final String MERGE_PATCH = "application/merge-patch+json";
    public static final String JSON_PATCH = "application/json-patch+json";
    public static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    public static final String APPLY_PATCH = "application/apply-patch+yaml";

    private MediaTypes() {
    }

    /** {@code application/json} from {@code application/json; charset=utf-8}, lower case; "" for none. */
    public static String essence(String headerValue) {
        if (headerValue == null) {
            return "";
        }
        int semicolon = headerValue.indexOf(';');
        String type = semicolon < 0 ? headerValue : headerValue.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }
}
