package io.karst.apiserver.table;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How one resource prints as a Table: its columns and, for one object, its cells (one per column, wide ones
 * included: the server always generates the wide form and kubectl hides priority-1 columns itself).
 */
public interface TablePrinter {

    List<Column> columnDefinitions();

    /** The cells of one object's row: {@link String}, {@link Long} or {@link Boolean} values. */
    List<Object> cells(ObjectNode obj, Instant now);

    /** Row conditions (upstream marks finished pods {@code Completed}); null for none. */
    default ArrayNode conditions(ObjectNode obj) {
        return null;
    }

    /** The order a list's rows take; null keeps the list's order (only FlowSchemas are re-sorted upstream). */
    default Comparator<ObjectNode> rowOrder() {
        return null;
    }

    /** A printer made of a column list and a cell function. */
    static TablePrinter of(List<Column> columns, BiFunction<ObjectNode, Instant, List<Object>> cells) {
        return new TablePrinter() {
            @Override
            public List<Column> columnDefinitions() {
                return columns;
            }

            @Override
            public List<Object> cells(ObjectNode obj, Instant now) {
                return cells.apply(obj, now);
            }
        };
    }
}
