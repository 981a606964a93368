package io.karst.apiserver.table;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Quantity;

/**
 * metrics-server's tables of NodeMetrics and PodMetrics: the name, each resource's usage (a pod's summed over its
 * containers) in resource-name order, and the window.
 */
final class MetricsPrinters {
    private static final List<Column> COLUMNS = List.of(
            new Column("Name", "string", "name", "Name of the resource", 0),
            new Column("cpu", "string", "quantity", "", 0),
            new Column("memory", "string", "quantity", "", 0),
            new Column("Window", "string", "duration", "", 0));

    private MetricsPrinters() {
    }

    static TablePrinter nodes() {
        return TablePrinter.of(COLUMNS, (obj, now) -> row(obj, List.of(obj.path("usage"))));
    }

    static TablePrinter pods() {
        return TablePrinter.of(COLUMNS, (obj, now) -> {
            List<JsonNode> usages = new ArrayList<>();
            obj.path("containers").forEach(c -> usages.add(c.path("usage")));
            return row(obj, usages);
        });
    }

    private static List<Object> row(ObjectNode obj, List<JsonNode> usages) {
        return List.of(Fields.name(obj), sum(usages, "cpu"), sum(usages, "memory"), obj.path("window").asText());
    }

    private static String sum(List<JsonNode> usages, String resource) {
        Quantity total = Quantity.parse("0");
        for (JsonNode usage : usages) {
            if (usage.path(resource).isTextual()) {
                total = total.plus(Quantity.parse(usage.path(resource).asText()));
            }
        }
        return total.toString();
    }
}
