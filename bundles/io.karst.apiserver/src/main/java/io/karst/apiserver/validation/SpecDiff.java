package io.karst.apiserver.validation;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A short description of how two specs differ, appended to "may not change" errors. Upstream appends the output
 * of Go's {@code cmp.Diff} on its internal structs; that text cannot be reproduced from JSON, so this lists the
 * changed top-level fields in the same -/+ shape.
 */
final class SpecDiff {
    private SpecDiff() {
    }

    static String describe(ObjectNode oldSpec, ObjectNode newSpec) {
        Set<String> fields = new LinkedHashSet<>();
        oldSpec.fieldNames().forEachRemaining(fields::add);
        newSpec.fieldNames().forEachRemaining(fields::add);
        StringBuilder sb = new StringBuilder("  core.PodSpec{\n");
        for (Iterator<String> it = fields.iterator(); it.hasNext();) {
            String f = it.next();
            JsonNode a = oldSpec.get(f);
            JsonNode b = newSpec.get(f);
            if (a == null ? b == null : a.equals(b)) {
                continue;
            }
            String goName = f.substring(0, 1).toUpperCase(Locale.ROOT) + f.substring(1);
            if (a != null) {
                sb.append("- \t").append(goName).append(": ").append(a).append(",\n");
            }
            if (b != null) {
                sb.append("+ \t").append(goName).append(": ").append(b).append(",\n");
            }
        }
        return sb.append("  }\n").toString();
    }
}
