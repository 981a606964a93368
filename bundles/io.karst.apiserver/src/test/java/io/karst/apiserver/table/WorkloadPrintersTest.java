package io.karst.apiserver.table;

import static io.karst.apiserver.table.Json.NOW;
import static io.karst.apiserver.table.Json.ago;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class WorkloadPrintersTest {

    @Test
    void deploymentShowsReadyOfDesiredAndWideContainersImagesSelector() {
        TablePrinter printer = WorkloadPrinters.deployments();
        assertEquals(List.of("Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"),
                printer.columnDefinitions().stream().map(Column::name).toList());
        assertEquals(List.of("web", "2/3", 3L, 2L, "45d", "nginx,sidecar", "nginx:1.27,envoy:v1.31",
                "app=web,!canary,tier in (backend,frontend)"), printer.cells(Json.parse("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","creationTimestamp":"%s"},
                 "spec":{"replicas":3,
                   "selector":{"matchLabels":{"app":"web"},"matchExpressions":[
                     {"key":"tier","operator":"In","values":["frontend","backend"]},
                     {"key":"canary","operator":"DoesNotExist"}]},
                   "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
                     {"name":"nginx","image":"nginx:1.27"},{"name":"sidecar","image":"envoy:v1.31"}]}}},
                 "status":{"replicas":3,"updatedReplicas":3,"readyReplicas":2,"availableReplicas":2}}
                """.formatted(ago(86400L * 45))), NOW));
    }

    @Test
    void replicaSetAndStatefulSetDefaultUnsetReplicasToOne() {
        String obj = """
                {"metadata":{"name":"r"},"spec":{"selector":{"matchLabels":{"app":"a"}},
                  "template":{"spec":{"containers":[{"name":"c","image":"i"}]}}},"status":{"replicas":1,"readyReplicas":1}}""";
        assertEquals(List.of("r", 1L, 1L, 1L, "<unknown>", "c", "i", "app=a"),
                WorkloadPrinters.replicaSets().cells(Json.parse(obj), NOW));
        assertEquals(List.of("r", "1/1", "<unknown>", "c", "i"), WorkloadPrinters.statefulSets().cells(Json.parse(obj), NOW));
    }

    @Test
    void daemonSetShowsSchedulingCountsAndNodeSelector() {
        assertEquals(List.of("svclb", 2L, 2L, 1L, 2L, 1L, "kubernetes.io/os=linux", "<unknown>", "lb", "klipper", "app=svclb"),
                WorkloadPrinters.daemonSets().cells(Json.parse("""
                {"metadata":{"name":"svclb"},"spec":{"selector":{"matchLabels":{"app":"svclb"}},
                  "template":{"spec":{"nodeSelector":{"kubernetes.io/os":"linux"},"containers":[{"name":"lb","image":"klipper"}]}}},
                 "status":{"desiredNumberScheduled":2,"currentNumberScheduled":2,"numberReady":1,
                   "updatedNumberScheduled":2,"numberAvailable":1}}"""), NOW));
    }

    @Test
    void jobStatusCompletionsAndDuration() {
        TablePrinter jobs = WorkloadPrinters.jobs();
        String running = """
                {"metadata":{"name":"pi","creationTimestamp":"%s"},
                 "spec":{"parallelism":2,"template":{"spec":{"containers":[{"name":"pi","image":"perl"}]}},
                   "selector":{"matchLabels":{"batch.kubernetes.io/controller-uid":"u1"}}},
                 "status":{"startTime":"%s","active":2,"succeeded":0}}""".formatted(ago(200), ago(195));
        assertEquals(List.of("pi", "Running", "0/1 of 2", "3m15s", "3m20s", "pi", "perl",
                "batch.kubernetes.io/controller-uid=u1"), jobs.cells(Json.parse(running), NOW));
        String complete = """
                {"metadata":{"name":"pi"},"spec":{"completions":3},
                 "status":{"startTime":"%s","completionTime":"%s","succeeded":3,
                   "conditions":[{"type":"Complete","status":"True"}]}}""".formatted(ago(4000), ago(3958));
        assertEquals(List.of("Complete", "3/3", "42s"), jobs.cells(Json.parse(complete), NOW).subList(1, 4));
        String suspended = """
                {"metadata":{"name":"pi"},"spec":{},"status":{"conditions":[{"type":"Suspended","status":"True"}]}}""";
        assertEquals(List.of("Suspended", "0/1", ""), jobs.cells(Json.parse(suspended), NOW).subList(1, 4));
    }

    @Test
    void cronJobShowsScheduleTimezoneSuspendActiveAndLastSchedule() {
        assertEquals(List.of("backup", "*/5 * * * *", "Europe/Paris", "False", 1L, "65s", "2d", "b", "restic",
                "<none>"), WorkloadPrinters.cronJobs().cells(Json.parse("""
                {"metadata":{"name":"backup","creationTimestamp":"%s"},
                 "spec":{"schedule":"*/5 * * * *","timeZone":"Europe/Paris","suspend":false,
                   "jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"restic"}]}}}}},
                 "status":{"active":[{"name":"backup-1"}],"lastScheduleTime":"%s"}}
                """.formatted(ago(2 * 86400), ago(65))), NOW));
    }

    @Test
    void podDisruptionBudgetShowsIntOrStringBounds() {
        assertEquals(List.of("pdb", "50%", "N/A", 1L, "<unknown>"), WorkloadPrinters.podDisruptionBudgets().cells(
                Json.parse("{\"metadata\":{\"name\":\"pdb\"},\"spec\":{\"minAvailable\":\"50%\"},"
                        + "\"status\":{\"disruptionsAllowed\":1}}"), NOW));
        assertEquals(List.of("1", "N/A"), WorkloadPrinters.podDisruptionBudgets().cells(
                Json.parse("{\"metadata\":{\"name\":\"pdb\"},\"spec\":{\"minAvailable\":1}}"), NOW).subList(1, 3));
    }

    @Test
    void controllerRevisionNamesItsControllingOwner() {
        assertEquals(List.of("web-5f7c", "statefulset.apps/web", 3L, "<unknown>"),
                WorkloadPrinters.controllerRevisions().cells(Json.parse("""
                {"metadata":{"name":"web-5f7c","ownerReferences":[
                  {"apiVersion":"apps/v1","kind":"StatefulSet","name":"web","controller":true}]},"revision":3}"""), NOW));
    }
}
