package io.karst.apiserver.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.apiserver.status.ApiException;

/** Fields an apply would take from other managers: upstream's 409 with one {@code FieldManagerConflict} cause each. */
final class ApplyConflicts extends RuntimeException {
    private static final long serialVersionUID = 1L;

    record Conflict(String manager, List<PathElement> path) {
    }

    private final transient List<Conflict> conflicts;

    ApplyConflicts(List<Conflict> conflicts) {
        super(null, null, false, false);
        this.conflicts = List.copyOf(conflicts);
    }

    List<Conflict> conflicts() {
        return conflicts;
    }

    FieldSet paths() {
        FieldSet set = new FieldSet();
        conflicts.forEach(c -> set.insert(c.path()));
        return set;
    }

    ApiException toStatus() {
        List<ApiException.Cause> causes = new ArrayList<>();
        for (Conflict c : conflicts) {
            causes.add(new ApiException.Cause("FieldManagerConflict", "conflict with " + describe(c.manager()),
                    PathElement.print(c.path())));
        }
        return new ApiException(409, "Conflict", message(),
                new ApiException.Details("", "", "", causes, 0));
    }

    private String message() {
        if (conflicts.size() == 1) {
            Conflict c = conflicts.get(0);
            return "Apply failed with 1 conflict: conflict with " + describe(c.manager()) + ": "
                    + PathElement.print(c.path());
        }
        Map<String, List<String>> byManager = new TreeMap<>();
        for (Conflict c : conflicts) {
            byManager.computeIfAbsent(c.manager(), k -> new ArrayList<>()).add(PathElement.print(c.path()));
        }
        List<String> lines = new ArrayList<>();
        byManager.forEach((manager, paths) -> {
            lines.add("conflicts with " + describe(manager) + ":");
            paths.forEach(p -> lines.add("- " + p));
        });
        return "Apply failed with " + conflicts.size() + " conflicts: " + String.join("\n", lines);
    }

    /** {@code "kubectl-client-side-apply" using apps/v1}, as upstream prints a manager. */
    static String describe(String identifier) {
        JsonNode id = ManagedFields.parseIdentifier(identifier);
        StringBuilder out = new StringBuilder(quote(id.path("manager").asText()));
        String subresource = id.path("subresource").asText("");
        if (!subresource.isEmpty()) {
            out.append(" with subresource ").append(quote(subresource));
        }
        if (id.path("operation").asText().equals("Update")) {
            out.append(" using ").append(id.path("apiVersion").asText());
        }
        return out.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
