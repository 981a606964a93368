package io.karst.apiserver.selection;

import java.util.List;
import java.util.Map;

/** Reads URL query parameters the way upstream's generated {@code url.Values} conversions do. */
final class QueryValues {
    private QueryValues() {
    }

    /** The first value of a parameter, or {@code null} when it is absent or has no value. */
    static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Upstream's boolean parameter: only "0" and (any case) "false" are false; any other value, even "", is true. */
    static Boolean bool(Map<String, List<String>> query, String name) {
        String v = first(query, name);
        if (v == null) {
            return null;
        }
        return !(v.equals("0") || v.equalsIgnoreCase("false"));
    }

    /** An int64 parameter; a malformed one is a 400 with Go's {@code strconv} message. */
    static Long int64(Map<String, List<String>> query, String name) {
        String v = first(query, name);
        if (v == null) {
            return null;
        }
        GoFormat.ParsedInt parsed = GoFormat.parseInt64(v);
        if (!parsed.ok()) {
            throw RequestOptionsException.badRequest(parsed.error());
        }
        return parsed.value();
    }
}
