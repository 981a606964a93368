package io.karst.apiserver.table;

import static io.karst.apiserver.table.Json.NOW;
import static io.karst.apiserver.table.Json.ago;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

class PodPrinterTest {
    private final PodPrinter printer = new PodPrinter();

    private List<Object> cells(String json) {
        return printer.cells(Json.parse(json), NOW);
    }

    @Test
    void columnsAreUpstreamsWithFourWideOnes() {
        List<String> names = printer.columnDefinitions().stream().map(Column::name).toList();
        assertEquals(List.of("Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node",
                "Readiness Gates"), names);
        assertEquals(List.of(0, 0, 0, 0, 0, 1, 1, 1, 1),
                printer.columnDefinitions().stream().map(Column::priority).toList());
        assertEquals("name", printer.columnDefinitions().get(0).format());
        assertEquals("string", printer.columnDefinitions().get(3).type());
    }

    @Test
    void runningPodShowsReadyContainersIpAndNode() {
        assertEquals(List.of("web-7d4b9c-x2k8p", "2/2", "Running", "0", "5m", "10.42.0.7", "node-a", "<none>",
                "<none>"), cells("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-7d4b9c-x2k8p","namespace":"default",
                  "creationTimestamp":"%s"},
                 "spec":{"nodeName":"node-a","containers":[{"name":"nginx","image":"nginx:1.27"},
                   {"name":"log","image":"busybox"}]},
                 "status":{"phase":"Running","podIP":"10.42.0.7","podIPs":[{"ip":"10.42.0.7"}],
                   "conditions":[{"type":"Ready","status":"True"}],
                   "containerStatuses":[
                     {"name":"nginx","ready":true,"restartCount":0,"state":{"running":{"startedAt":"%s"}}},
                     {"name":"log","ready":true,"restartCount":0,"state":{"running":{"startedAt":"%s"}}}]}}
                """.formatted(ago(300), ago(290), ago(290))));
    }

    @Test
    void crashLoopingContainerShowsWaitingReasonAndWhenItLastRestarted() {
        assertEquals(List.of("api-0", "0/1", "CrashLoopBackOff", "4 (90s ago)", "3m10s", "10.42.0.9", "node-a",
                "<none>", "<none>"), cells("""
                {"metadata":{"name":"api-0","creationTimestamp":"%s"},
                 "spec":{"nodeName":"node-a","containers":[{"name":"api","image":"api:1"}]},
                 "status":{"phase":"Running","podIPs":[{"ip":"10.42.0.9"}],
                   "containerStatuses":[{"name":"api","ready":false,"restartCount":4,
                     "state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 40s"}},
                     "lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"%s"}}}]}}
                """.formatted(ago(190), ago(90))));
    }

    @Test
    void pendingPodWithoutIpOrNodeShowsNone() {
        List<Object> c = cells("""
                {"metadata":{"name":"p","creationTimestamp":"%s"},"spec":{"containers":[{"name":"a"}]},
                 "status":{"phase":"Pending"}}
                """.formatted(ago(4)));
        assertEquals(List.of("p", "0/1", "Pending", "0", "4s", "<none>", "<none>", "<none>", "<none>"), c);
    }

    @Test
    void secondOfThreeInitContainersRunningShowsInitProgress() {
        assertEquals("Init:1/3", cells("""
                {"metadata":{"name":"p"},
                 "spec":{"initContainers":[{"name":"a"},{"name":"b"},{"name":"c"}],"containers":[{"name":"app"}]},
                 "status":{"phase":"Pending",
                   "initContainerStatuses":[
                     {"name":"a","restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
                     {"name":"b","restartCount":0,"state":{"running":{}}},
                     {"name":"c","restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}],
                   "containerStatuses":[{"name":"app","restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}]}}
                """).get(2));
    }

    @Test
    void crashingInitContainerShowsItsReasonAndCountsItsRestarts() {
        List<Object> c = cells("""
                {"metadata":{"name":"p","creationTimestamp":"%s"},
                 "spec":{"initContainers":[{"name":"migrate"}],"containers":[{"name":"app"}]},
                 "status":{"phase":"Pending","conditions":[{"type":"Initialized","status":"False"}],
                   "initContainerStatuses":[{"name":"migrate","restartCount":3,
                     "state":{"waiting":{"reason":"CrashLoopBackOff"}},
                     "lastState":{"terminated":{"exitCode":2,"finishedAt":"%s"}}}],
                   "containerStatuses":[{"name":"app","restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}]}}
                """.formatted(ago(600), ago(150)));
        assertEquals(List.of("0/1", "Init:CrashLoopBackOff", "3 (2m30s ago)"), c.subList(1, 4));
    }

    @Test
    void failedInitContainerWithoutReasonShowsExitCodeOrSignal() {
        String template = """
                {"metadata":{"name":"p"},"spec":{"initContainers":[{"name":"i"}],"containers":[{"name":"app"}]},
                 "status":{"phase":"Pending","initContainerStatuses":[{"name":"i","restartCount":0,
                   "state":{"terminated":%s}}]}}
                """;
        assertEquals("Init:ExitCode:1", cells(template.formatted("{\"exitCode\":1}")).get(2));
        assertEquals("Init:Signal:9", cells(template.formatted("{\"exitCode\":137,\"signal\":9}")).get(2));
        assertEquals("Init:OOMKilled", cells(template.formatted("{\"exitCode\":137,\"reason\":\"OOMKilled\"}")).get(2));
    }

    @Test
    void terminatedAppContainerWithoutReasonShowsExitCode() {
        assertEquals("ExitCode:3", cells("""
                {"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
                 "status":{"phase":"Running","containerStatuses":[{"name":"a","restartCount":0,
                   "state":{"terminated":{"exitCode":3}}}]}}
                """).get(2));
    }

    @Test
    void firstContainerReasonWinsOverLaterOnes() {
        assertEquals("ImagePullBackOff", cells("""
                {"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"},{"name":"b"}]},
                 "status":{"phase":"Pending","containerStatuses":[
                   {"name":"a","state":{"waiting":{"reason":"ImagePullBackOff"}}},
                   {"name":"b","state":{"waiting":{"reason":"ContainerCreating"}}}]}}
                """).get(2));
    }

    @Test
    void completedContainerBesideARunningOneShowsRunningOrNotReady() {
        String template = """
                {"metadata":{"name":"p"},"spec":{"containers":[{"name":"job"},{"name":"proxy"}]},
                 "status":{"phase":"Running","conditions":[{"type":"Ready","status":"%s"}],"containerStatuses":[
                   {"name":"job","ready":false,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
                   {"name":"proxy","ready":true,"state":{"running":{}}}]}}
                """;
        assertEquals(List.of("1/2", "Running"), cells(template.formatted("True")).subList(1, 3));
        assertEquals(List.of("1/2", "NotReady"), cells(template.formatted("False")).subList(1, 3));
    }

    @Test
    void startedSidecarCountsAsAReadyContainerAndItsRestartsCount() {
        List<Object> c = cells("""
                {"metadata":{"name":"p"},
                 "spec":{"initContainers":[{"name":"setup"},{"name":"mesh","restartPolicy":"Always"}],
                   "containers":[{"name":"app"}]},
                 "status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True"}],
                   "initContainerStatuses":[
                     {"name":"setup","restartCount":1,"state":{"terminated":{"exitCode":0,"reason":"Completed"}},
                      "lastState":{"terminated":{"exitCode":1,"finishedAt":"%s"}}},
                     {"name":"mesh","restartCount":2,"started":true,"ready":true,"state":{"running":{}},
                      "lastState":{"terminated":{"exitCode":1,"finishedAt":"%s"}}}],
                   "containerStatuses":[{"name":"app","restartCount":0,"ready":true,"state":{"running":{}}}]}}
                """.formatted(ago(60), ago(600)));
        // the plain init container's restart is dropped once the pod is initialized, the sidecar's stays
        assertEquals(List.of("2/2", "Running", "2 (10m ago)"), c.subList(1, 4));
    }

    @Test
    void deletedPodShowsTerminatingUnlessFinishedAndUnknownWhenItsNodeIsLost() {
        String template = """
                {"metadata":{"name":"p","deletionTimestamp":"%s"},"spec":{"containers":[{"name":"a"}]},
                 "status":{"phase":"%s","reason":"%s"}}
                """;
        assertEquals("Terminating", cells(template.formatted(ago(1), "Running", "")).get(2));
        assertEquals("Unknown", cells(template.formatted(ago(1), "Running", "NodeLost")).get(2));
        assertEquals("Evicted", cells(template.formatted(ago(1), "Failed", "Evicted")).get(2));
    }

    @Test
    void schedulingGatedPodSaysSo() {
        assertEquals("SchedulingGated", cells("""
                {"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}],"schedulingGates":[{"name":"g"}]},
                 "status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False",
                   "reason":"SchedulingGated"}]}}
                """).get(2));
    }

    @Test
    void readinessGatesCountTheTrueConditions() {
        assertEquals("1/2", cells("""
                {"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}],
                   "readinessGates":[{"conditionType":"example.com/lb"},{"conditionType":"example.com/dns"}]},
                 "status":{"phase":"Running","conditions":[{"type":"example.com/lb","status":"True"},
                   {"type":"example.com/dns","status":"False"}]}}
                """).get(8));
    }

    @Test
    void finishedPodsCarryACompletedRowCondition() {
        ObjectNode succeeded = Json.parse("""
                {"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
                 "status":{"phase":"Succeeded","containerStatuses":[{"name":"a",
                   "state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}
                """);
        assertEquals("Completed", printer.cells(succeeded, NOW).get(2));
        assertEquals(Json.parse("""
                {"c":[{"type":"Completed","status":"True","reason":"Succeeded",
                  "message":"The pod has completed successfully."}]}""").get("c"), printer.conditions(succeeded));
        assertNull(printer.conditions(Json.parse("{\"status\":{\"phase\":\"Running\"}}")));
    }
}
