package io.karst.apiserver.selection;

/**
 * One term of a field selector: {@code field=value} (also written {@code ==}) or {@code field!=value}, with the
 * value already unescaped.
 *
 * @param field    the field label, e.g. {@code spec.nodeName}
 * @param notEqual true for {@code !=}
 * @param value    the unescaped value; the empty string matches a missing field
 */
public record FieldRequirement(String field, boolean notEqual, String value) {

    /** A missing field reads as the empty string, as upstream's {@code fields.Set.Get}. */
    public boolean matches(String actual) {
        boolean equal = value.equals(actual == null ? "" : actual);
        return notEqual != equal;
    }

    /** Upstream's text: {@code field=value} or {@code field!=value} with the value escaped. */
    @Override
    public String toString() {
        return field + (notEqual ? "!=" : "=") + FieldSelector.escapeValue(value);
    }
}
