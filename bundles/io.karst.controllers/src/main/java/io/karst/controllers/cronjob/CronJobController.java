package io.karst.controllers.cronjob;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.DeletionPropagation;
import io.karst.api.client.Informer;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.EventRecorder;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;
import io.karst.controllers.objects.EveryChange;
import io.karst.controllers.objects.JsonTrees;
import io.karst.controllers.ownership.ControllerRefs;

/**
 * kube-controller-manager's CronJob controller (v2). At each schedule time (in {@code spec.timeZone}, else the
 * controller's zone) it creates a Job from {@code spec.jobTemplate} named {@code <cronjob>-<minutes since the
 * epoch>} with the {@value #SCHEDULED_TIMESTAMP} annotation, unless the time was missed by more than
 * {@code startingDeadlineSeconds}, the CronJob is suspended, or a Job still runs and {@code concurrencyPolicy} is
 * Forbid (Replace deletes the running ones first). Only the most recent missed time is run; more than
 * {@value #TOO_MANY_MISSED} missed times are reported. It keeps {@code status.active}, {@code lastScheduleTime}
 * and {@code lastSuccessfulTime}, deletes finished Jobs beyond the history limits, and looks again at the next
 * schedule time.
 */
@Component(service = Controller.class, property = Controller.NAME + "=cronjob")
public final class CronJobController implements Controller {
    static final ResourceKey CRONJOBS = new ResourceKey("batch", "v1", "cronjobs");
    static final ResourceKey JOBS = new ResourceKey("batch", "v1", "jobs");
    static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
    static final int TOO_MANY_MISSED = 100;
    /** Upstream adds this to the wait for the next schedule time so the time has surely come. */
    private static final Duration SLACK = Duration.ofMillis(100);
    /** Go's time.RFC1123Z, in which upstream reports a missed time. */
    private static final DateTimeFormatter RFC1123Z =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", java.util.Locale.ROOT);

    private final Clock clock;
    private volatile ControllerContext context;
    private volatile ResourceClient client;
    private volatile Informer cronJobs;
    private volatile Informer jobs;

    public CronJobController() {
        // upstream reads schedules without a timeZone in kube-controller-manager's local time
        this(Clock.systemDefaultZone());
    }

    /** @param clock the time and the zone of schedules without {@code spec.timeZone} */
    CronJobController(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "cronjob";
    }

    @Override
    public int workers() {
        return 5; // upstream --concurrent-cron-job-syncs
    }

    @Override
    public void start(ControllerContext ctx) {
        context = ctx;
        client = ctx.client();
        cronJobs = ctx.informers().informer(CRONJOBS);
        jobs = ctx.informers().informer(JOBS);
        ctx.handle(cronJobs, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode cj) {
                ctx.queue().add(ObjectKeys.of(cj));
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode cj) {
                ctx.queue().add(ObjectKeys.of(cj));
            }
        });
        ctx.handle(jobs, EveryChange.of(job -> ControllerRefs.ownerKey(job, "CronJob").ifPresent(ctx.queue()::add)));
    }

    @Override
    public ReconcileResult reconcile(String key) {
        Optional<ObjectNode> found = cronJobs.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key));
        if (found.isEmpty() || found.get().path("metadata").has("deletionTimestamp")) {
            return ReconcileResult.DONE;
        }
        ObjectNode cj = found.get();
        Instant now = clock.instant();
        List<ObjectNode> owned = ownedJobs(cj);
        ObjectNode status = cj.path("status").isObject() ? ((ObjectNode) cj.get("status")).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        trackActive(cj, owned, status);
        cleanupFinished(cj, owned);
        ReconcileResult result = schedule(cj, status, now);
        writeStatus(cj, status);
        return result;
    }

    /** Brings {@code status.active} in line with the Jobs, and lastSuccessfulTime with the finished ones. */
    private void trackActive(ObjectNode cj, List<ObjectNode> owned, ObjectNode status) {
        Map<String, ObjectNode> byUid = new HashMap<>();
        owned.forEach(j -> byUid.put(uidOf(j), j));
        ArrayNode active = JsonNodeFactory.instance.arrayNode();
        List<String> listed = new ArrayList<>();
        for (JsonNode ref : status.path("active")) {
            String uid = ref.path("uid").asText();
            ObjectNode job = byUid.get(uid);
            if (job == null) {
                // gone from the cache: ask the server before forgetting it
                if (client.resource(JOBS).inNamespace(namespaceOf(cj)).find(ref.path("name").asText())
                        .filter(j -> uidOf(j).equals(uid)).isPresent()) {
                    active.add(ref);
                    listed.add(uid);
                } else {
                    context.events().event(cj, EventRecorder.NORMAL, "MissingJob",
                            "Active job went missing: " + ref.path("name").asText());
                }
                continue;
            }
            String finished = finishedType(job);
            if (finished == null) {
                active.add(ref);
                listed.add(uid);
                continue;
            }
            context.events().event(cj, EventRecorder.NORMAL, "SawCompletedJob",
                    "Saw completed job: " + nameOf(job) + ", status: " + finished);
        }
        JsonNode liveActive = null;
        for (ObjectNode job : owned) {
            String finished = finishedType(job);
            if (finished == null && !listed.contains(uidOf(job))) {
                // our cache of the CronJob may be behind its status: ask the server, as upstream does
                if (liveActive == null) {
                    liveActive = client.resource(CRONJOBS).inNamespace(namespaceOf(cj)).find(nameOf(cj))
                            .map(live -> live.path("status").path("active"))
                            .orElse(JsonNodeFactory.instance.arrayNode());
                }
                boolean known = false;
                for (JsonNode ref : liveActive) {
                    known |= ref.path("uid").asText().equals(uidOf(job));
                }
                if (known) {
                    active.add(referenceTo(job));
                } else {
                    // made by us before a status write was lost (the next run of its time re-adopts it by name)
                    // or by someone else for us
                    context.events().event(cj, EventRecorder.WARNING, "UnexpectedJob",
                            "Saw a job that the controller did not create or forgot: " + nameOf(job));
                }
            }
            if ("Complete".equals(finished) && job.path("status").hasNonNull("completionTime")) {
                Instant done = Instant.parse(job.path("status").path("completionTime").asText());
                String last = status.path("lastSuccessfulTime").asText("");
                if (last.isEmpty() || done.isAfter(Instant.parse(last))) {
                    status.put("lastSuccessfulTime", timestamp(done));
                }
            }
        }
        if (active.isEmpty()) {
            status.remove("active");
        } else {
            status.set("active", active);
        }
    }

    /** Deletes the oldest finished Jobs beyond the successful and failed history limits. */
    private void cleanupFinished(ObjectNode cj, List<ObjectNode> owned) {
        JsonNode spec = cj.path("spec");
        for (String kind : new String[] {"Complete", "Failed"}) {
            String limitField = kind.equals("Complete") ? "successfulJobsHistoryLimit" : "failedJobsHistoryLimit";
            if (!spec.hasNonNull(limitField)) {
                continue; // no limit: keep them all
            }
            List<ObjectNode> finished = new ArrayList<>(owned.stream()
                    .filter(j -> kind.equals(finishedType(j)) && !j.path("metadata").has("deletionTimestamp"))
                    .toList());
            int limit = spec.path(limitField).asInt();
            if (finished.size() <= limit) {
                continue;
            }
            // oldest start first, Jobs that never started last, then by name (upstream's byJobStartTime)
            finished.sort(Comparator.comparing((ObjectNode j) -> !j.path("status").hasNonNull("startTime"))
                    .thenComparing(j -> j.path("status").path("startTime").asText(""))
                    .thenComparing(j -> nameOf(j)));
            for (ObjectNode job : finished.subList(0, finished.size() - limit)) {
                deleteJob(cj, job);
            }
        }
    }

    /** Creates the Job of the most recent schedule time if it is due; returns when to look again. */
    private ReconcileResult schedule(ObjectNode cj, ObjectNode status, Instant now) {
        JsonNode spec = cj.path("spec");
        ZoneId zone;
        try {
            zone = zoneOf(spec);
        } catch (DateTimeException e) {
            context.events().event(cj, EventRecorder.WARNING, "UnknownTimeZone",
                    "invalid timeZone: \"" + spec.path("timeZone").asText() + "\": " + e.getMessage());
            return ReconcileResult.DONE;
        }
        if (spec.path("suspend").asBoolean(false)) {
            return ReconcileResult.DONE;
        }
        String text = spec.path("schedule").asText("");
        CronSchedule schedule;
        try {
            if (text.startsWith("TZ=") || text.startsWith("CRON_TZ=")) {
                // kept from before spec.timeZone existed; upstream still runs it, with a warning
                context.events().event(cj, EventRecorder.WARNING, "UnsupportedSchedule", "CRON_TZ or TZ used in "
                        + "schedule \"" + text + "\" is not officially supported, see "
                        + "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details");
                int space = text.indexOf(' ');
                zone = ZoneId.of(text.substring(text.indexOf('=') + 1, space < 0 ? text.length() : space));
                text = space < 0 ? "" : text.substring(space + 1);
            }
            schedule = CronSchedule.parse(text);
        } catch (IllegalArgumentException | DateTimeException e) {
            context.events().event(cj, EventRecorder.WARNING, "UnparseableSchedule",
                    "unparseable schedule: \"" + spec.path("schedule").asText() + "\" : " + e.getMessage());
            return ReconcileResult.DONE;
        }
        ZonedDateTime scheduled = mostRecentScheduleTime(cj, schedule, zone, now);
        ReconcileResult next = nextRun(schedule, zone, now);
        if (scheduled == null) {
            return next;
        }
        if (spec.hasNonNull("startingDeadlineSeconds")
                && scheduled.toInstant().plusSeconds(spec.path("startingDeadlineSeconds").asLong()).isBefore(now)) {
            context.events().event(cj, EventRecorder.WARNING, "MissSchedule", "Missed scheduled time to start a job: "
                    + scheduled.withZoneSameInstant(ZoneOffset.UTC).format(RFC1123Z));
            return next;
        }
        String jobName = nameOf(cj) + "-" + scheduled.toEpochSecond() / 60;
        for (JsonNode ref : status.path("active")) {
            if (ref.path("name").asText().equals(jobName)
                    || status.path("lastScheduleTime").asText("").equals(timestamp(scheduled.toInstant()))) {
                // this time's Job runs already (a status write was lost after it was made): record the time
                status.put("lastScheduleTime", timestamp(scheduled.toInstant()));
                return next;
            }
        }
        String policy = spec.path("concurrencyPolicy").asText("Allow");
        if (policy.equals("Forbid") && !status.path("active").isEmpty()) {
            context.events().event(cj, EventRecorder.NORMAL, "JobAlreadyActive",
                    "Not starting job because prior execution is running and concurrency policy is Forbid");
            return next;
        }
        if (policy.equals("Replace")) {
            for (JsonNode ref : status.path("active")) {
                jobs.lister().get(namespaceOf(cj), ref.path("name").asText())
                        .filter(j -> uidOf(j).equals(ref.path("uid").asText())).ifPresentOrElse(
                                j -> deleteJob(cj, j),
                                () -> deleteJob(cj, ref.path("name").asText(), ref.path("uid").asText()));
            }
            status.remove("active");
        }
        ObjectNode job;
        try {
            job = client.resource(JOBS).inNamespace(namespaceOf(cj)).create(jobFor(cj, jobName, scheduled));
            context.events().event(cj, EventRecorder.NORMAL, "SuccessfulCreate", "Created job " + nameOf(job));
        } catch (ResourceException e) {
            if (!e.isAlreadyExists()) {
                context.events().event(cj, EventRecorder.WARNING, "FailedCreate",
                        "Error creating job: " + e.getMessage());
                throw e;
            }
            // made on an earlier pass whose status write was lost: it counts as this time's Job
            job = client.resource(JOBS).inNamespace(namespaceOf(cj)).get(jobName);
            JsonNode ref = ControllerRefs.of(job);
            if (ref == null || !ref.path("uid").asText().equals(uidOf(cj))) {
                return next; // someone else's: they keep the status
            }
        }
        if (finishedType(job) == null) {
            status.withArray("active").add(referenceTo(job));
        }
        status.put("lastScheduleTime", timestamp(scheduled.toInstant()));
        return next;
    }

    /**
     * The latest schedule time not after {@code now} and after the last one run (or the CronJob's creation, or
     * {@code now - startingDeadlineSeconds}, whichever is later); null when none. Reports when more than
     * {@value #TOO_MANY_MISSED} were missed.
     */
    private ZonedDateTime mostRecentScheduleTime(ObjectNode cj, CronSchedule schedule, ZoneId zone, Instant now) {
        String last = cj.path("status").path("lastScheduleTime").asText("");
        Instant earliest = Instant.parse(last.isEmpty()
                ? cj.path("metadata").path("creationTimestamp").asText() : last);
        if (cj.path("spec").hasNonNull("startingDeadlineSeconds")) {
            Instant deadline = now.minusSeconds(cj.path("spec").path("startingDeadlineSeconds").asLong());
            if (deadline.isAfter(earliest)) {
                earliest = deadline;
            }
        }
        ZonedDateTime t = schedule.next(earliest.atZone(zone), zone);
        ZonedDateTime mostRecent = null;
        long missed = 0;
        while (t != null && !t.toInstant().isAfter(now)) {
            mostRecent = t;
            missed++;
            t = schedule.next(t, zone);
        }
        if (missed > TOO_MANY_MISSED) {
            context.events().event(cj, EventRecorder.WARNING, "TooManyMissedTimes", "too many missed start times: "
                    + missed + ". Set or decrease .spec.startingDeadlineSeconds or check clock skew");
        }
        return mostRecent;
    }

    private static ReconcileResult nextRun(CronSchedule schedule, ZoneId zone, Instant now) {
        ZonedDateTime next = schedule.next(now.atZone(zone), zone);
        return next == null ? ReconcileResult.DONE
                : ReconcileResult.after(Duration.between(now, next.toInstant()).plus(SLACK));
    }

    ZoneId zoneOf(JsonNode spec) {
        return spec.hasNonNull("timeZone") ? ZoneId.of(spec.path("timeZone").asText()) : clock.getZone();
    }

    private ObjectNode jobFor(ObjectNode cj, String name, ZonedDateTime scheduled) {
        JsonNode template = cj.path("spec").path("jobTemplate");
        ObjectNode job = JsonNodeFactory.instance.objectNode();
        job.put("apiVersion", "batch/v1");
        job.put("kind", "Job");
        ObjectNode meta = job.putObject("metadata");
        meta.put("name", name);
        meta.put("namespace", namespaceOf(cj));
        if (template.path("metadata").path("labels").isObject()) {
            meta.set("labels", template.path("metadata").path("labels").deepCopy());
        }
        ObjectNode annotations = template.path("metadata").path("annotations").isObject()
                ? ((ObjectNode) template.path("metadata").path("annotations")).deepCopy() : meta.objectNode();
        // in spec.timeZone, else UTC (upstream loads the location "" here, which is UTC, not the local zone)
        ZoneId zone = cj.path("spec").hasNonNull("timeZone") ? scheduled.getZone() : ZoneOffset.UTC;
        annotations.put(SCHEDULED_TIMESTAMP,
                scheduled.withZoneSameInstant(zone).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        meta.set("annotations", annotations);
        meta.putArray("ownerReferences").add(ControllerRefs.to("batch/v1", "CronJob", cj));
        job.set("spec", template.path("spec").deepCopy());
        return job;
    }

    private void deleteJob(ObjectNode cj, ObjectNode job) {
        deleteJob(cj, nameOf(job), uidOf(job));
    }

    private void deleteJob(ObjectNode cj, String name, String uid) {
        try {
            client.resource(JOBS).inNamespace(namespaceOf(cj)).delete(name, DeleteOptions.NONE
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).withPreconditionUid(uid));
            context.events().event(cj, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted job " + name);
        } catch (ResourceException e) {
            if (!e.isNotFound()) {
                context.events().event(cj, EventRecorder.WARNING, "FailedDelete",
                        "Deleted job: " + e.getMessage());
                throw e;
            }
        }
    }

    private void writeStatus(ObjectNode cj, ObjectNode status) {
        if (JsonTrees.same(status, cj.path("status"))) {
            return;
        }
        ObjectNode updated = cj.deepCopy();
        updated.set("status", status);
        client.resource(CRONJOBS).inNamespace(namespaceOf(cj)).updateStatus(updated);
    }

    private List<ObjectNode> ownedJobs(ObjectNode cj) {
        String uid = uidOf(cj);
        return jobs.lister().list(namespaceOf(cj)).stream().filter(j -> {
            JsonNode ref = ControllerRefs.of(j);
            return ref != null && ref.path("uid").asText().equals(uid);
        }).toList();
    }

    /** {@code Complete} or {@code Failed} when the Job has finished, else null. */
    static String finishedType(JsonNode job) {
        for (JsonNode c : job.path("status").path("conditions")) {
            String type = c.path("type").asText();
            if ((type.equals("Complete") || type.equals("Failed")) && c.path("status").asText().equals("True")) {
                return type;
            }
        }
        return null;
    }

    private static ObjectNode referenceTo(JsonNode job) {
        ObjectNode ref = JsonNodeFactory.instance.objectNode();
        ref.put("kind", "Job");
        ref.put("namespace", namespaceOf(job));
        ref.put("name", nameOf(job));
        ref.put("uid", uidOf(job));
        ref.put("apiVersion", "batch/v1");
        ref.put("resourceVersion", job.path("metadata").path("resourceVersion").asText());
        return ref;
    }

    private static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String uidOf(JsonNode object) {
        return object.path("metadata").path("uid").asText();
    }

    private static String namespaceOf(JsonNode object) {
        return object.path("metadata").path("namespace").asText();
    }

    private static String nameOf(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }
}
