package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The 422 {@code Invalid} Status upstream answers when validation fails ({@code errors.NewInvalid}).
 *
 * @param group  API group of the object ("" for core)
 * @param kind   kind of the object
 * @param name   name of the object (may be empty)
 * @param errors what was wrong
 */
public record InvalidStatus(String group, String kind, String name, List<FieldError> errors) {
    public static final int CODE = 422;
    public static final String REASON = "Invalid";

    /** One entry of {@code details.causes}. */
    public record Cause(String reason, String message, String field) {
    }

    public InvalidStatus {
        errors = List.copyOf(errors);
        name = name == null ? "" : name;
    }

    /** {@code Kind.group}, or just {@code Kind} for the core group. */
    public String qualifiedKind() {
        return group.isEmpty() ? kind : kind + "." + group;
    }

    /**
     * {@code <Kind> "<name>" is invalid: <errors>}: one error alone, several in brackets joined by ", ", with
     * repeated texts printed once (upstream aggregates the list the same way).
     */
    public String message() {
        String head = qualifiedKind() + " " + GoValues.quote(name) + " is invalid";
        Set<String> distinct = new LinkedHashSet<>();
        for (FieldError e : errors) {
            distinct.add(e.toString());
        }
        if (distinct.isEmpty()) {
            return head;
        }
        String joined = String.join(", ", distinct);
        return head + ": " + (distinct.size() == 1 ? joined : "[" + joined + "]");
    }

    /** One cause per error, duplicates kept, as upstream lists them. */
    public List<Cause> causes() {
        List<Cause> out = new ArrayList<>(errors.size());
        for (FieldError e : errors) {
            out.add(new Cause(e.reason(), e.body(), e.field()));
        }
        return out;
    }

    /** The whole {@code Status} object, field order as upstream serialises it. */
    public ObjectNode toStatus(JsonNodeFactory f) {
        ObjectNode status = f.objectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", message());
        status.put("reason", REASON);
        ObjectNode details = status.putObject("details");
        if (!name.isEmpty()) {
            details.put("name", name);
        }
        if (!group.isEmpty()) {
            details.put("group", group);
        }
        details.put("kind", kind);
        if (!errors.isEmpty()) {
            addCauses(details.putArray("causes"));
        }
        status.put("code", CODE);
        return status;
    }

    private void addCauses(ArrayNode causes) {
        for (Cause c : causes()) {
            ObjectNode n = causes.addObject();
            n.put("reason", c.reason());
            n.put("message", c.message());
            n.put("field", c.field());
        }
    }
}
