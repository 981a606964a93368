package io.karst.apiserver.validation;

/**
 * A path to a field inside an object, printed the way upstream's {@code field.Path} prints it:
 * children joined by dots, list indexes and map keys in brackets ({@code spec.containers[0].env[1].name}).
 */
public final class FieldPath {
    private final FieldPath parent;
    private final String name;
    private final String subscript;

    private FieldPath(FieldPath parent, String name, String subscript) {
        this.parent = parent;
        this.name = name;
        this.subscript = subscript;
    }

    /** A root path, with optional further children. */
    public static FieldPath root(String name, String... more) {
        FieldPath p = new FieldPath(null, name, "");
        for (String n : more) {
            p = p.child(n);
        }
        return p;
    }

    public FieldPath child(String childName, String... more) {
        FieldPath p = new FieldPath(this, childName, "");
        for (String n : more) {
            p = p.child(n);
        }
        return p;
    }

    public FieldPath index(int i) {
        return new FieldPath(this, "", Integer.toString(i));
    }

    public FieldPath key(String k) {
        return new FieldPath(this, "", k);
    }

    /** The first element of this path. */
    public FieldPath rootElement() {
        FieldPath p = this;
        while (p.parent != null) {
            p = p.parent;
        }
        return p;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        append(sb);
        return sb.toString();
    }

    private void append(StringBuilder sb) {
        if (parent != null) {
            parent.append(sb);
        }
        // An element with an empty name is a subscript, even at the root (upstream prints "[]" for NewPath("")).
        if (parent != null && !name.isEmpty()) {
            sb.append('.');
        }
        if (!name.isEmpty()) {
            sb.append(name);
        } else {
            sb.append('[').append(subscript).append(']');
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldPath other && other.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
