package io.karst.apiserver.table;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

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

    /**
     * This printer over objects seen through {@code view}: how a version stored as another prints, as upstream
     * prints every version of a resource from one (internal) form.
     */
    default TablePrinter viewing(UnaryOperator<ObjectNode> view) {
        TablePrinter printer = this;
        return new TablePrinter() {
            @Override
            public List<Column> columnDefinitions() {
                return printer.columnDefinitions();
            }

            @Override
            public List<Object> cells(ObjectNode obj, Instant now) {
                return printer.cells(view.apply(obj), now);
            }

            @Override
            public ArrayNode conditions(ObjectNode obj) {
                return printer.conditions(view.apply(obj));
            }

            @Override
            public Comparator<ObjectNode> rowOrder() {
                Comparator<ObjectNode> order = printer.rowOrder();
                return order == null ? null : Comparator.comparing(view, order);
            }
        };
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
