package io.karst.apiserver.table;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Table form of one watch's event objects ({@code kubectl get -w} watches with the Table Accept header).
 * Upstream sends columnDefinitions with the first event only and null after it; Status objects (error events)
 * pass through untouched. One instance per watch; not thread-safe, as a watch writes its events in order.
 */
public final class TableWatch {
    private final TablePrinter printer;
    private final IncludeObject include;
    private final String groupVersion;
    private boolean headersSent;

    /**
     * @param groupVersion {@code meta.k8s.io/v1} or {@code meta.k8s.io/v1beta1}
     * @throws ConversionException 406 when the group version has no Table
     */
    public TableWatch(TablePrinter printer, IncludeObject include, String groupVersion) {
        if (!groupVersion.equals("meta.k8s.io/v1") && !groupVersion.equals("meta.k8s.io/v1beta1")) {
            throw ConversionException.notAcceptable("no Table exists in group version " + groupVersion);
        }
        this.printer = printer;
        this.include = include;
        this.groupVersion = groupVersion;
    }

    /** The object to put in the next event: a one-row Table, or the Status unchanged. */
    public ObjectNode next(ObjectNode eventObject, Instant now) {
        if ("Status".equals(eventObject.path("kind").asText()) && "v1".equals(eventObject.path("apiVersion").asText())) {
            return eventObject;
        }
        ObjectNode table = TableWriter.table(printer, eventObject, include, !headersSent, groupVersion, now);
        headersSent = true;
        return table;
    }
}
