package io.karst.apiserver.table;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Printers of apps, batch and policy resources, and of the scale subresource. */
final class WorkloadPrinters {
    static final Column CONTAINERS =
            Column.described("Containers", "string", "Names of each container in the template.").wide();
    static final Column IMAGES =
            Column.described("Images", "string", "Images referenced by each container in the template.").wide();

    private WorkloadPrinters() {
    }

    /** spec.replicas, which apps/v1 and core/v1 default to 1 when unset. */
    static long replicas(ObjectNode o) {
        return Fields.present(o, "spec", "replicas") ? Fields.integer(o, "spec", "replicas") : 1;
    }

    private static String[] templateContainers(JsonNode podTemplate) {
        return Formats.containers(podTemplate.path("spec").path("containers"));
    }

    static TablePrinter deployments() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Ready", "string", "Number of the pod with ready state"),
                Column.string("Up-to-date", "DeploymentStatus.updatedReplicas"),
                Column.string("Available", "DeploymentStatus.availableReplicas"),
                Column.age(), CONTAINERS, IMAGES,
                Column.string("Selector", "DeploymentSpec.selector").wide()), (o, now) -> {
                    String[] c = templateContainers(o.path("spec").path("template"));
                    String selector;
                    try {
                        selector = Formats.selectorString(o.path("spec").path("selector"));
                    } catch (IllegalArgumentException e) {
                        selector = "<invalid>";
                    }
                    return List.of(Fields.name(o), Fields.integer(o, "status", "readyReplicas") + "/" + replicas(o),
                            Fields.integer(o, "status", "updatedReplicas"),
                            Fields.integer(o, "status", "availableReplicas"), Fields.age(o, now), c[0], c[1], selector);
                });
    }

    static TablePrinter replicaSets() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.of("Desired", "integer", "ReplicaSetSpec.replicas"),
                Column.of("Current", "integer", "ReplicaSetStatus.replicas"),
                Column.of("Ready", "integer", "ReplicaSetStatus.readyReplicas"),
                Column.age(), CONTAINERS, IMAGES,
                Column.string("Selector", "ReplicaSetSpec.selector").wide()), (o, now) -> {
                    String[] c = templateContainers(o.path("spec").path("template"));
                    return List.of(Fields.name(o), replicas(o), Fields.integer(o, "status", "replicas"),
                            Fields.integer(o, "status", "readyReplicas"), Fields.age(o, now), c[0], c[1],
                            Formats.labelSelector(o.path("spec").path("selector")));
                });
    }

    static TablePrinter statefulSets() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Ready", "string", "Number of the pod with ready state"),
                Column.age(), CONTAINERS, IMAGES), (o, now) -> {
                    String[] c = templateContainers(o.path("spec").path("template"));
                    return List.of(Fields.name(o), Fields.integer(o, "status", "readyReplicas") + "/" + replicas(o),
                            Fields.age(o, now), c[0], c[1]);
                });
    }

    static TablePrinter daemonSets() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.of("Desired", "integer", "DaemonSetStatus.desiredNumberScheduled"),
                Column.of("Current", "integer", "DaemonSetStatus.currentNumberScheduled"),
                Column.of("Ready", "integer", "DaemonSetStatus.numberReady"),
                Column.of("Up-to-date", "integer", "DaemonSetStatus.updatedNumberScheduled"),
                Column.of("Available", "integer", "DaemonSetStatus.numberAvailable"),
                Column.string("Node Selector", "PodSpec.nodeSelector"),
                Column.age(), CONTAINERS, IMAGES,
                Column.string("Selector", "DaemonSetSpec.selector").wide()), (o, now) -> {
                    JsonNode status = o.path("status");
                    JsonNode template = o.path("spec").path("template");
                    String[] c = templateContainers(template);
                    return List.of(Fields.name(o), Fields.integer(status, "desiredNumberScheduled"),
                            Fields.integer(status, "currentNumberScheduled"), Fields.integer(status, "numberReady"),
                            Fields.integer(status, "updatedNumberScheduled"), Fields.integer(status, "numberAvailable"),
                            Formats.labels(template.path("spec").path("nodeSelector")), Fields.age(o, now), c[0], c[1],
                            Formats.labelSelector(o.path("spec").path("selector")));
                });
    }

    /** CONTROLLER is {@code kind.group/name} of the controlling owner, lower-cased. */
    static TablePrinter controllerRevisions() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Controller", "string", "Controller of the object"),
                Column.string("Revision", "ControllerRevision.revision"), Column.age()), (o, now) -> {
                    String controller = Formats.NONE;
                    for (JsonNode owner : Fields.list(o, "metadata", "ownerReferences")) {
                        if (owner.path("controller").asBoolean(false)) {
                            String apiVersion = Fields.text(owner, "apiVersion");
                            int slash = apiVersion.indexOf('/');
                            String group = slash < 0 ? "" : apiVersion.substring(0, slash);
                            String kind = Fields.text(owner, "kind");
                            String groupKind = group.isEmpty() ? kind : kind + "." + group;
                            controller = groupKind.isEmpty() ? Fields.text(owner, "name")
                                    : groupKind.toLowerCase(Locale.ROOT) + "/" + Fields.text(owner, "name");
                            break;
                        }
                    }
                    return List.of(Fields.name(o), controller, Fields.integer(o, "revision"), Fields.age(o, now));
                });
    }

    static TablePrinter jobs() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Status", "string", "Status of the job."),
                Column.string("Completions", "JobStatus.succeeded"),
                Column.described("Duration", "string", "Time required to complete the job."),
                Column.age(), CONTAINERS, IMAGES,
                Column.string("Selector", "JobSpec.selector").wide()), (o, now) -> {
                    JsonNode spec = o.path("spec");
                    JsonNode status = o.path("status");
                    long succeeded = Fields.integer(status, "succeeded");
                    String completions;
                    if (Fields.present(spec, "completions")) {
                        completions = succeeded + "/" + Fields.integer(spec, "completions");
                    } else {
                        long parallelism = Fields.integer(spec, "parallelism");
                        completions = parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
                    }
                    Instant start = Fields.time(status, "startTime");
                    Instant completion = Fields.time(status, "completionTime");
                    String duration = "";
                    if (start != null) {
                        duration = HumanDuration.format(Duration.between(start, completion != null ? completion : now));
                    }
                    String state;
                    if (jobCondition(status, "Complete")) {
                        state = "Complete";
                    } else if (jobCondition(status, "Failed")) {
                        state = "Failed";
                    } else if (Fields.present(o, "metadata", "deletionTimestamp")) {
                        state = "Terminating";
                    } else if (jobCondition(status, "Suspended")) {
                        state = "Suspended";
                    } else if (jobCondition(status, "FailureTarget")) {
                        state = "FailureTarget";
                    } else {
                        state = "Running";
                    }
                    String[] c = templateContainers(spec.path("template"));
                    return List.of(Fields.name(o), state, completions, duration, Fields.age(o, now), c[0], c[1],
                            Formats.labelSelector(spec.path("selector")));
                });
    }

    /** The first condition of a type decides, as upstream's hasJobCondition. */
    private static boolean jobCondition(JsonNode status, String type) {
        for (JsonNode condition : Fields.list(status, "conditions")) {
            if (type.equals(condition.path("type").asText())) {
                return "True".equals(condition.path("status").asText());
            }
        }
        return false;
    }

    static TablePrinter cronJobs() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.string("Schedule", "CronJobSpec.schedule"),
                Column.string("Timezone", "CronJobSpec.timeZone"),
                Column.of("Suspend", "boolean", "CronJobSpec.suspend"),
                Column.of("Active", "integer", "CronJobStatus.active"),
                Column.string("Last Schedule", "CronJobStatus.lastScheduleTime"),
                Column.age(), CONTAINERS, IMAGES,
                Column.string("Selector", "JobSpec.selector").wide()), (o, now) -> {
                    JsonNode spec = o.path("spec");
                    Instant last = Fields.time(o, "status", "lastScheduleTime");
                    JsonNode jobSpec = spec.path("jobTemplate").path("spec");
                    String[] c = templateContainers(jobSpec.path("template"));
                    return List.of(Fields.name(o), Fields.text(spec, "schedule"),
                            Fields.present(spec, "timeZone") ? Fields.text(spec, "timeZone") : Formats.NONE,
                            Formats.boolPointer(spec.path("suspend")), (long) Fields.size(o, "status", "active"),
                            last == null ? Formats.NONE : Fields.since(last, now), Fields.age(o, now), c[0], c[1],
                            Formats.labelSelector(jobSpec.path("selector")));
                });
    }

    static TablePrinter podDisruptionBudgets() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Min Available", "string", "The minimum number of pods that must be available."),
                Column.described("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
                Column.described("Allowed Disruptions", "integer",
                        "Calculated number of pods that may be disrupted at this time."),
                Column.age()), (o, now) -> {
                    JsonNode spec = o.path("spec");
                    String min = Fields.present(spec, "minAvailable") ? Fields.intOrString(spec.path("minAvailable")) : "N/A";
                    String max = Fields.present(spec, "maxUnavailable") ? Fields.intOrString(spec.path("maxUnavailable"))
                            : "N/A";
                    return List.of(Fields.name(o), min, max, Fields.integer(o, "status", "disruptionsAllowed"),
                            Fields.age(o, now));
                });
    }

    /** The scale subresource of any scalable resource. */
    static TablePrinter scale() {
        return TablePrinter.of(List.of(
                new Column("Name", "string", "", ColumnDescriptions.of("ObjectMeta.name"), 0),
                Column.of("Desired", "integer", "ScaleSpec.replicas"),
                Column.of("Available", "integer", "ScaleStatus.replicas"),
                Column.age()), (o, now) -> List.of(Fields.name(o), Fields.integer(o, "spec", "replicas"),
                        Fields.integer(o, "status", "replicas"), Fields.age(o, now)));
    }
}
