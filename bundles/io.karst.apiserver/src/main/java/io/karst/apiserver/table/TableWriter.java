package io.karst.apiserver.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the {@code meta.k8s.io} Table of one object or of a list:
 * {@code {"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{…},"columnDefinitions":[…],"rows":[…]}},
 * each row {@code {"cells":[…],"object":…}} with the object as PartialObjectMetadata, whole, or null as
 * {@code includeObject} asks. Without headers (watch events after the first) {@code columnDefinitions} is null.
 */
public final class TableWriter {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private TableWriter() {
    }

    /**
     * The Table of an object or of a list (a node with {@code items}).
     *
     * @param printer the resource's printer ({@link TablePrinters#forResource})
     * @param objectOrList the object or the list as served in JSON
     * @param include what each row's {@code object} carries
     * @param headers whether to send columnDefinitions (false for watch events after the first)
     * @param groupVersion {@code meta.k8s.io/v1} or {@code meta.k8s.io/v1beta1}
     * @param now the clock for AGE and other durations
     * @throws ConversionException 406 when the group version has no Table
     */
    public static ObjectNode table(TablePrinter printer, ObjectNode objectOrList, IncludeObject include,
            boolean headers, String groupVersion, Instant now) {
        if (!groupVersion.equals("meta.k8s.io/v1") && !groupVersion.equals("meta.k8s.io/v1beta1")) {
            throw ConversionException.notAcceptable("no Table exists in group version " + groupVersion);
        }
        boolean list = PartialObjectMetadata.isList(objectOrList);
        List<ObjectNode> items = new ArrayList<>();
        if (list) {
            objectOrList.path("items").forEach(i -> items.add((ObjectNode) i));
            Comparator<ObjectNode> order = printer.rowOrder();
            if (order != null) {
                items.sort(order);
            }
        } else {
            items.add(objectOrList);
        }

        ObjectNode table = JSON.objectNode();
        table.put("kind", "Table");
        table.put("apiVersion", groupVersion);
        if (list) {
            table.set("metadata", listMeta(objectOrList));
        } else {
            ObjectNode meta = JSON.objectNode();
            String rv = objectOrList.path("metadata").path("resourceVersion").asText("");
            if (!rv.isEmpty()) {
                meta.put("resourceVersion", rv);
            }
            table.set("metadata", meta);
        }
        if (headers) {
            ArrayNode columns = table.putArray("columnDefinitions");
            printer.columnDefinitions().forEach(c -> columns.add(c.toJson()));
        } else {
            table.putNull("columnDefinitions");
        }
        if (items.isEmpty() && printer instanceof DefaultTablePrinter) {
            // the default convertor appends rows to a nil slice, so an empty list has "rows": null upstream
            table.putNull("rows");
            return table;
        }
        ArrayNode rows = table.putArray("rows");
        String itemApiVersion = objectOrList.path("apiVersion").asText("");
        String itemKind = list ? stripListSuffix(objectOrList.path("kind").asText("")) : "";
        for (ObjectNode item : items) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (Object cell : printer.cells(item, now)) {
                addCell(cells, cell);
            }
            ArrayNode conditions = printer.conditions(item);
            if (conditions != null && !conditions.isEmpty()) {
                row.set("conditions", conditions);
            }
            switch (include) {
                case NONE -> row.putNull("object");
                case METADATA -> row.set("object", PartialObjectMetadata.partial(item, groupVersion));
                case OBJECT -> row.set("object", withType(item, itemApiVersion, itemKind));
                default -> throw new IllegalStateException(include.name());
            }
        }
        return table;
    }

    /** A list's ListMeta: resourceVersion, continue and remainingItemCount, each only when set. */
    static ObjectNode listMeta(ObjectNode list) {
        ObjectNode meta = JSON.objectNode();
        JsonNode source = list.path("metadata");
        String rv = source.path("resourceVersion").asText("");
        if (!rv.isEmpty()) {
            meta.put("resourceVersion", rv);
        }
        String cont = source.path("continue").asText("");
        if (!cont.isEmpty()) {
            meta.put("continue", cont);
        }
        if (source.path("remainingItemCount").isNumber()) {
            meta.put("remainingItemCount", source.path("remainingItemCount").asLong());
        }
        return meta;
    }

    /** The whole object, with kind and apiVersion set as upstream's conversion to the served version sets them. */
    private static ObjectNode withType(ObjectNode item, String listApiVersion, String listItemKind) {
        if (item.hasNonNull("kind") && item.hasNonNull("apiVersion")) {
            return item;
        }
        ObjectNode copy = JSON.objectNode();
        copy.put("kind", item.hasNonNull("kind") ? item.get("kind").asText() : listItemKind);
        copy.put("apiVersion", item.hasNonNull("apiVersion") ? item.get("apiVersion").asText() : listApiVersion);
        item.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("kind") && !e.getKey().equals("apiVersion")) {
                copy.set(e.getKey(), e.getValue());
            }
        });
        return copy;
    }

    private static String stripListSuffix(String kind) {
        return kind.endsWith("List") ? kind.substring(0, kind.length() - 4) : kind;
    }

    private static void addCell(ArrayNode cells, Object cell) {
        if (cell instanceof String s) {
            cells.add(s);
        } else if (cell instanceof Long l) {
            cells.add(l);
        } else if (cell instanceof Integer i) {
            cells.add(i.longValue());
        } else if (cell instanceof Boolean b) {
            cells.add(b);
        } else if (cell instanceof Double d) {
            cells.add(d); // custom resource "number" columns
        } else if (cell == null) {
            cells.addNull();
        } else {
            throw new IllegalArgumentException("unsupported cell type " + cell.getClass());
        }
    }
}
