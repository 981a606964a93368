package io.karst.apiserver.table;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Upstream's default table for a resource without a printer (roles, clusterroles, limitranges, custom resources
 * without printer columns): NAME and CREATED AT, the creation time in RFC 3339 UTC (a {@code date} column, which
 * kubectl turns into an age itself).
 */
public final class DefaultTablePrinter implements TablePrinter {
    static final DefaultTablePrinter INSTANCE = new DefaultTablePrinter();
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX")
            .withZone(ZoneOffset.UTC);
    /** Go's zero time, which a missing creationTimestamp formats as. */
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            new Column("Created At", "date", "", ColumnDescriptions.of("ObjectMeta.creationTimestamp"), 0));

    private DefaultTablePrinter() {
    }

    @Override
    public List<Column> columnDefinitions() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode obj, Instant now) {
        Instant created = Fields.time(obj, "metadata", "creationTimestamp");
        return List.of(Fields.name(obj), created == null ? ZERO_TIME : RFC3339.format(created));
    }
}
