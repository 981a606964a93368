package io.karst.apiserver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Custom resource Tables: additionalPrinterColumns by simple JSONPath and type, or Name and Age by default. */
class CustomResourcePrinterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode widget() throws Exception {
        return (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"w1\",\"creationTimestamp\":"
                + "\"2026-01-02T03:04:05Z\"},\"spec\":{\"size\":3,\"color\":\"red\",\"ratio\":0.5,\"on\":true},"
                + "\"status\":{\"conditions\":[{\"type\":\"Synced\",\"status\":\"False\"},"
                + "{\"type\":\"Ready\",\"status\":\"True\"}]}}");
    }

    @Test
    void printerColumnsAreEvaluatedAndTyped() throws Exception {
        JsonNode columns = JSON.readTree("[{\"name\":\"Size\",\"type\":\"integer\",\"jsonPath\":\".spec.size\"},"
                + "{\"name\":\"Color\",\"type\":\"string\",\"jsonPath\":\".spec.color\",\"priority\":1,"
                + "\"description\":\"the colour\"},"
                + "{\"name\":\"Ratio\",\"type\":\"number\",\"jsonPath\":\".spec.ratio\"},"
                + "{\"name\":\"On\",\"type\":\"boolean\",\"jsonPath\":\".spec.on\"},"
                + "{\"name\":\"Ready\",\"type\":\"string\",\"jsonPath\":\".status.conditions[?(@.type==\\\"Ready\\\")].status\"},"
                + "{\"name\":\"First\",\"type\":\"string\",\"jsonPath\":\".status.conditions[0].type\"},"
                + "{\"name\":\"Missing\",\"type\":\"string\",\"jsonPath\":\".spec.nothing\"},"
                + "{\"name\":\"Mistyped\",\"type\":\"integer\",\"jsonPath\":\".spec.color\"},"
                + "{\"name\":\"Age\",\"type\":\"date\",\"jsonPath\":\".metadata.creationTimestamp\"}]");
        CustomResourcePrinter printer = new CustomResourcePrinter(columns);
        assertEquals(List.of("Name", "Size", "Color", "Ratio", "On", "Ready", "First", "Missing", "Mistyped", "Age"),
                printer.columnDefinitions().stream().map(Column::name).toList());
        assertEquals(1, printer.columnDefinitions().get(2).priority());
        assertEquals("the colour", printer.columnDefinitions().get(2).description());
        assertEquals(Arrays.asList("w1", 3L, "red", 0.5, true, "True", "Synced", null, null, "2026-01-02T03:04:05Z"),
                printer.cells(widget(), Instant.now()));
    }

    @Test
    void withoutColumnsTheTableHasNameAndAge() throws Exception {
        CustomResourcePrinter printer = new CustomResourcePrinter(null);
        assertEquals(List.of("Name", "Age"), printer.columnDefinitions().stream().map(Column::name).toList());
        assertEquals("date", printer.columnDefinitions().get(1).type());
        assertEquals(List.of("w1", "2026-01-02T03:04:05Z"), printer.cells(widget(), Instant.now()));
    }
}
