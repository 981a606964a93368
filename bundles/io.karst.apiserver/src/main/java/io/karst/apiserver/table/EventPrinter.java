package io.karst.apiserver.table;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Events: LAST SEEN TYPE REASON OBJECT MESSAGE, wide SUBOBJECT SOURCE FIRST SEEN COUNT NAME (in upstream's
 * column order, wide ones interleaved). Upstream serves events.k8s.io/v1 from the core Event storage, so both
 * groups print alike; this printer reads either field layout (core {@code involvedObject}/{@code message}/
 * {@code firstTimestamp}/{@code reportingComponent}, events.k8s.io {@code regarding}/{@code note}/
 * {@code deprecatedFirstTimestamp}/{@code reportingController}).
 */
final class EventPrinter implements TablePrinter {
    private static final List<Column> COLUMNS = List.of(
            Column.string("Last Seen", "Event.lastTimestamp"),
            Column.string("Type", "Event.type"),
            Column.string("Reason", "Event.reason"),
            Column.string("Object", "Event.involvedObject"),
            Column.string("Subobject", "ObjectReference.fieldPath").wide(),
            Column.string("Source", "Event.source").wide(),
            Column.string("Message", "Event.message"),
            Column.string("First Seen", "Event.firstTimestamp").wide(),
            Column.string("Count", "Event.count").wide(),
            new Column("Name", "string", "name", ColumnDescriptions.of("ObjectMeta.name"), 1));

    /** The field names of one Event schema. */
    private record Layout(String involvedObject, String message, String firstTimestamp, String lastTimestamp,
            String count, String source, String reportingController) {
    }

    private static final Layout CORE = new Layout("involvedObject", "message", "firstTimestamp", "lastTimestamp",
            "count", "source", "reportingComponent");
    private static final Layout EVENTS_V1 = new Layout("regarding", "note", "deprecatedFirstTimestamp",
            "deprecatedLastTimestamp", "deprecatedCount", "deprecatedSource", "reportingController");

    private final Layout layout;

    private EventPrinter(Layout layout) {
        this.layout = layout;
    }

    static EventPrinter core() {
        return new EventPrinter(CORE);
    }

    static EventPrinter eventsV1() {
        return new EventPrinter(EVENTS_V1);
    }

    @Override
    public List<Column> columnDefinitions() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode event, Instant now) {
        Instant first = Fields.time(event, layout.firstTimestamp);
        String firstSeen = first != null ? Fields.since(first, now) : Fields.since(Fields.time(event, "eventTime"), now);
        Instant last = Fields.time(event, layout.lastTimestamp);
        String lastSeen = last != null ? Fields.since(last, now) : firstSeen;
        long count = Fields.integer(event, layout.count);
        if (Fields.present(event, "series")) {
            lastSeen = Fields.since(Fields.time(event, "series", "lastObservedTime"), now);
            count = Fields.integer(event, "series", "count");
        } else if (count == 0) {
            count = 1; // singleton events of the new API carry no count
        }
        JsonNode regarding = event.path(layout.involvedObject);
        String kind = Fields.text(regarding, "kind").toLowerCase(Locale.ROOT);
        String name = Fields.text(regarding, "name");
        String target = name.isEmpty() ? kind : kind + "/" + name;
        return List.of(lastSeen, Fields.text(event, "type"), Fields.text(event, "reason"), target,
                Fields.text(regarding, "fieldPath"), source(event), Fields.text(event, layout.message).strip(),
                firstSeen, count, Fields.name(event));
    }

    /** {@code component, host}, from the source or else the reporting controller and instance. */
    private String source(ObjectNode event) {
        String component = firstNonEmpty(Fields.text(event, layout.source, "component"),
                Fields.text(event, layout.reportingController));
        String instance = firstNonEmpty(Fields.text(event, layout.source, "host"),
                Fields.text(event, "reportingInstance"));
        return instance.isEmpty() ? component : component + ", " + instance;
    }

    private static String firstNonEmpty(String a, String b) {
        return a.isEmpty() ? b : a;
    }
}
