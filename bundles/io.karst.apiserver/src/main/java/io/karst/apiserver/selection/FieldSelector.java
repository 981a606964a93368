package io.karst.apiserver.selection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A field selector: the AND of {@code field=value} / {@code field!=value} terms, parsed as upstream's
 * {@code fields.ParseSelector} with its escaping ({@code \,} {@code \=} {@code \\} in values). Which fields a resource
 * accepts, and how their values are read from an object, is {@link FieldSelectorSupport}'s business.
 */
public final class FieldSelector {
    /** The same bound as for label selectors, for the same reason: every term is evaluated per object. */
    static final int MAX_TERMS = LabelSelectorParser.MAX_REQUIREMENTS;

    private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    private final List<FieldRequirement> requirements;

    private FieldSelector(List<FieldRequirement> requirements) {
        this.requirements = requirements;
    }

    public static FieldSelector everything() {
        return EVERYTHING;
    }

    /** A selector of one equality, e.g. {@code metadata.name=<name>} for a watch of one object. */
    public static FieldSelector oneTermEqual(String field, String value) {
        return new FieldSelector(List.of(new FieldRequirement(field, false, value)));
    }

    /**
     * Parses {@code a=b,c==d,e!=f}. Terms are split at unescaped commas and sorted; the operator is the first
     * {@code !=}, {@code ==} or {@code =} in a term; the value is unescaped, the field is taken literally.
     *
     * @throws InvalidSelectorException with upstream's message
     */
    public static FieldSelector parse(String selector) {
        List<String> parts = splitTerms(selector);
        parts.sort(LabelRequirement::compareBytes);
        List<FieldRequirement> items = new ArrayList<>();
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            int at = -1;
            String op = null;
            for (int i = 0; i < part.length() && op == null; i++) {
                if (part.startsWith("!=", i)) {
                    op = "!=";
                } else if (part.startsWith("==", i)) {
                    op = "==";
                } else if (part.startsWith("=", i)) {
                    op = "=";
                }
                at = i;
            }
            if (op == null) {
                throw new InvalidSelectorException("invalid selector: '" + selector + "'; can't understand '"
                        + part + "'");
            }
            String value = unescapeValue(part.substring(at + op.length()));
            items.add(new FieldRequirement(part.substring(0, at), op.equals("!="), value));
            if (items.size() > MAX_TERMS) {
                throw new InvalidSelectorException("field selector has more than " + MAX_TERMS
                        + " terms, the most this server accepts");
            }
        }
        return items.isEmpty() ? EVERYTHING : new FieldSelector(Collections.unmodifiableList(items));
    }

    /** Splits at commas not preceded by a backslash escape; an empty selector has no terms. */
    private static List<String> splitTerms(String selector) {
        List<String> terms = new ArrayList<>();
        if (selector.isEmpty()) {
            return terms;
        }
        int start = 0;
        boolean inSlash = false;
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            if (inSlash) {
                inSlash = false;
            } else if (c == '\\') {
                inSlash = true;
            } else if (c == ',') {
                terms.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(selector.substring(start));
        return terms;
    }

    /** Escapes {@code \}, {@code ,} and {@code =} so a value can be written into a selector. */
    public static String escapeValue(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == ',' || c == '=') {
                if (out == null) {
                    out = new StringBuilder(value.length() + 8).append(value, 0, i);
                }
                out.append('\\');
            }
            if (out != null) {
                out.append(c);
            }
        }
        return out == null ? value : out.toString();
    }

    /**
     * Undoes {@link #escapeValue}; any other escape, a trailing backslash or an unescaped {@code ,} or {@code =} is an
     * error (upstream prints the offending character as its code point).
     */
    public static String unescapeValue(String value) {
        if (value.indexOf('\\') < 0 && value.indexOf(',') < 0 && value.indexOf('=') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        boolean inSlash = false;
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            if (inSlash) {
                if (c != '\\' && c != ',' && c != '=') {
                    throw new InvalidSelectorException("invalid field selector: invalid escape sequence: \\"
                            + new String(Character.toChars(c)));
                }
                out.appendCodePoint(c);
                inSlash = false;
                continue;
            }
            if (c == '\\') {
                inSlash = true;
            } else if (c == ',' || c == '=') {
                throw new InvalidSelectorException("invalid field selector: unescaped character in value: " + c);
            } else {
                out.appendCodePoint(c);
            }
        }
        if (inSlash) {
            throw new InvalidSelectorException("invalid field selector: invalid escape sequence: \\");
        }
        return out.toString();
    }

    /** The terms in order (sorted by their original text). */
    public List<FieldRequirement> requirements() {
        return requirements;
    }

    public boolean isEverything() {
        return requirements.isEmpty();
    }

    /** Upstream's {@code RequiresExactMatch}: the value of the first {@code field=value} term on that field. */
    public Optional<String> requiresExactMatch(String field) {
        for (FieldRequirement r : requirements) {
            if (!r.notEqual() && r.field().equals(field)) {
                return Optional.of(r.value());
            }
        }
        return Optional.empty();
    }

    /** True when every term holds; {@code fieldValues} answers {@code null} or "" for a missing field. */
    public boolean matches(Function<String, String> fieldValues) {
        for (FieldRequirement r : requirements) {
            if (!r.matches(fieldValues.apply(r.field()))) {
                return false;
            }
        }
        return true;
    }

    /** A copy with every field label renamed by {@code rename}, which may throw to refuse a label. */
    public FieldSelector renameFields(UnaryOperator<String> rename) {
        if (requirements.isEmpty()) {
            return this;
        }
        List<FieldRequirement> out = new ArrayList<>(requirements.size());
        for (FieldRequirement r : requirements) {
            out.add(new FieldRequirement(rename.apply(r.field()), r.notEqual(), r.value()));
        }
        return new FieldSelector(Collections.unmodifiableList(out));
    }

    /** Upstream's text: terms joined by commas, values escaped. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (FieldRequirement r : requirements) {
            if (!s.isEmpty()) {
                s.append(',');
            }
            s.append(r);
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSelector other && other.requirements.equals(requirements);
    }

    @Override
    public int hashCode() {
        return requirements.hashCode();
    }
}
