package io.karst.apiserver.table;

import static io.karst.apiserver.table.Json.NOW;
import static io.karst.apiserver.table.Json.ago;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class EventPrinterTest {

    @Test
    void columnsInterleaveTheWideOnesAsUpstream() {
        assertEquals(List.of("Last Seen:0", "Type:0", "Reason:0", "Object:0", "Subobject:1", "Source:1", "Message:0",
                "First Seen:1", "Count:1", "Name:1"), EventPrinter.core().columnDefinitions().stream()
                        .map(c -> c.name() + ":" + c.priority()).toList());
    }

    @Test
    void coreEventShowsLastSeenObjectAndWideSourceCountName() {
        assertEquals(List.of("2m5s", "Warning", "BackOff", "pod/api-0", "spec.containers{api}", "kubelet, node-a",
                "Back-off restarting failed container api in pod api-0_default", "14m", 7L, "api-0.17f3a2b1c0d4e5f6"),
                EventPrinter.core().cells(Json.parse("""
                {"apiVersion":"v1","kind":"Event","metadata":{"name":"api-0.17f3a2b1c0d4e5f6","namespace":"default"},
                 "involvedObject":{"kind":"Pod","namespace":"default","name":"api-0","fieldPath":"spec.containers{api}"},
                 "reason":"BackOff","type":"Warning","count":7,
                 "message":"Back-off restarting failed container api in pod api-0_default\\n",
                 "source":{"component":"kubelet","host":"node-a"},
                 "firstTimestamp":"%s","lastTimestamp":"%s"}
                """.formatted(ago(840), ago(125))), NOW));
    }

    @Test
    void newStyleEventFallsBackToEventTimeSeriesAndReportingController() {
        List<Object> c = EventPrinter.core().cells(Json.parse("""
                {"metadata":{"name":"e"},"involvedObject":{"kind":"Node"},"reason":"Starting","type":"Normal",
                 "eventTime":"2025-05-01T11:59:30.123456Z","reportingComponent":"kube-proxy","reportingInstance":"node-b",
                 "series":{"count":4,"lastObservedTime":"2025-05-01T11:59:50.000000Z"},"message":"started"}"""), NOW);
        assertEquals(List.of("10s", "Normal", "Starting", "node", "", "kube-proxy, node-b", "started", "29s", 4L, "e"), c);
    }

    @Test
    void singletonEventWithoutCountCountsOne() {
        assertEquals(1L, EventPrinter.core().cells(Json.parse("""
                {"metadata":{"name":"e"},"involvedObject":{"kind":"Pod","name":"p"},"lastTimestamp":"%s"}"""
                .formatted(ago(3))), NOW).get(8));
    }

    @Test
    void eventsV1EventReadsRegardingNoteAndDeprecatedFields() {
        assertEquals(List.of("5s", "Normal", "Scheduled", "pod/web-1", "", "default-scheduler",
                "Successfully assigned default/web-1 to node-a", "5s", 1L, "web-1.180a"),
                EventPrinter.eventsV1().cells(Json.parse("""
                {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"web-1.180a"},
                 "eventTime":"%s","reportingController":"default-scheduler","reportingInstance":"",
                 "action":"Binding","reason":"Scheduled","type":"Normal",
                 "regarding":{"kind":"Pod","name":"web-1","namespace":"default"},
                 "note":"Successfully assigned default/web-1 to node-a"}""".formatted(ago(5))), NOW));
    }
}
