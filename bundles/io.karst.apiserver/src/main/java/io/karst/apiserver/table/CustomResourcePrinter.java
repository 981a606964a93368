package io.karst.apiserver.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A custom resource's Table as upstream's apiextensions table convertor makes it: Name, then the version's
 * {@code additionalPrinterColumns} (or Age when it has none), each cell the first result of the column's simple
 * JSONPath, typed by the column's type (null when absent or of another type).
 */
public final class CustomResourcePrinter implements TablePrinter {
    private static final String AGE_DESCRIPTION = ColumnDescriptions.of("ObjectMeta.creationTimestamp");

    private final List<Column> columns = new ArrayList<>();
    private final List<SimpleJsonPath> paths = new ArrayList<>();

    /** @param printerColumns the {@code additionalPrinterColumns} array; null or empty for the default */
    public CustomResourcePrinter(JsonNode printerColumns) {
        columns.add(Column.nameColumn());
        if (printerColumns == null || printerColumns.isEmpty()) {
            columns.add(new Column("Age", "date", "", AGE_DESCRIPTION, 0));
            paths.add(SimpleJsonPath.parse(".metadata.creationTimestamp"));
            return;
        }
        for (JsonNode c : printerColumns) {
            columns.add(new Column(c.path("name").asText(), c.path("type").asText(), c.path("format").asText(""),
                    c.path("description").asText(""), c.path("priority").asInt(0)));
            paths.add(SimpleJsonPath.parse(c.path("jsonPath").asText()));
        }
    }

    @Override
    public List<Column> columnDefinitions() {
        return columns;
    }

    @Override
    public List<Object> cells(ObjectNode obj, Instant now) {
        List<Object> cells = new ArrayList<>();
        cells.add(Fields.name(obj));
        for (int i = 0; i < paths.size(); i++) {
            JsonNode value = paths.get(i).first(obj);
            cells.add(value == null || value.isNull() ? null : cell(columns.get(i + 1).type(), value));
        }
        return cells;
    }

    /** upstream's cellForJSONValue: the JSON value when it fits the column's type, else nothing. */
    private static Object cell(String type, JsonNode value) {
        return switch (type) {
            case "integer" -> value.isIntegralNumber() ? (Object) value.asLong() : null;
            case "number" -> value.isIntegralNumber() ? (Object) value.asLong()
                    : value.isNumber() ? (Object) value.asDouble() : null;
            case "boolean" -> value.isBoolean() ? (Object) value.asBoolean() : null;
            case "date" -> value.isTextual() ? value.asText() : null;
            default -> value.isValueNode() ? value.asText() : value.toString();
        };
    }
}
