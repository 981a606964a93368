package io.karst.apiserver.table;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One {@code TableColumnDefinition}. Priority 0 columns are the default view; priority 1 columns are the ones
 * kubectl shows only with {@code -o wide}. The server always sends every column and every cell.
 */
public record Column(String name, String type, String format, String description, int priority) {

    /** A default-view string column described by a field's API documentation. */
    static Column string(String name, String descriptionKey) {
        return new Column(name, "string", "", ColumnDescriptions.of(descriptionKey), 0);
    }

    /** The NAME column every printer starts with. */
    static Column nameColumn() {
        return new Column("Name", "string", "name", ColumnDescriptions.of("ObjectMeta.name"), 0);
    }

    /** The AGE column. */
    static Column age() {
        return string("Age", "ObjectMeta.creationTimestamp");
    }

    /** A column whose description is literal text rather than a field's documentation. */
    static Column described(String name, String type, String description) {
        return new Column(name, type, "", description, 0);
    }

    static Column of(String name, String type, String descriptionKey) {
        return new Column(name, type, "", ColumnDescriptions.of(descriptionKey), 0);
    }

    /** The same column shown only with {@code -o wide}. */
    Column wide() {
        return new Column(name, type, format, description, 1);
    }

    /** The JSON form, with every field present as upstream writes it. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", name);
        node.put("type", type);
        node.put("format", format);
        node.put("description", description);
        node.put("priority", priority);
        return node;
    }
}
