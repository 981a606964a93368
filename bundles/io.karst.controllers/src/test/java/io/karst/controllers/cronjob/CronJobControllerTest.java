package io.karst.controllers.cronjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;

/**
 * The CronJob controller against the real resource API, on a clock the test moves. After moving it the test
 * touches the CronJob (an annotation) so the controller looks at once instead of at the real next schedule time.
 * No Job controller runs: Jobs stay unfinished until the test writes a finished status on them.
 */
class CronJobControllerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController controller;
    MutableClock clock;
    ResourceOperations cronJobs;
    ResourceOperations jobs;
    final AtomicInteger pokes = new AtomicInteger();

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        cronJobs = api.client().resource(CronJobController.CRONJOBS).inNamespace("default");
        jobs = api.client().resource(CronJobController.JOBS).inNamespace("default");
        clock = new MutableClock(Instant.now(), ZoneOffset.UTC);
        controller = new RunningController(new CronJobController(clock), api.client());
    }

    @AfterEach
    void stop() {
        controller.close();
        api.close();
    }

    /** Creates the CronJob; returns its creation time, from which schedule times are counted. */
    private Instant createCronJob(String name, String spec) throws Exception {
        ObjectNode cj = cronJobs.create((ObjectNode) JSON.readTree(("{'apiVersion':'batch/v1','kind':'CronJob',"
                + "'metadata':{'name':'" + name + "'},'spec':{" + spec + ",'jobTemplate':{'metadata':{'labels':"
                + "{'team':'a'}},'spec':{'template':{'spec':{'restartPolicy':'Never','containers':[{'name':'c',"
                + "'image':'busybox'}]}}}}}}").replace('\'', '"')));
        Instant created = Instant.parse(cj.path("metadata").path("creationTimestamp").asText());
        clock.set(created);
        return created;
    }

    /** Sets the clock and has the controller look at the CronJob. */
    private void at(String cronJob, Instant time) throws Exception {
        clock.set(time);
        cronJobs.patch(cronJob, PatchTypes.MERGE_PATCH, JSON.readTree("{\"metadata\":{\"annotations\":"
                + "{\"test/poke\":\"" + pokes.incrementAndGet() + "\"}}}"));
    }

    private static Instant minuteAfter(Instant t, int minutes) {
        return t.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(minutes));
    }

    private static String jobName(String cronJob, Instant scheduled) {
        return cronJob + "-" + scheduled.getEpochSecond() / 60;
    }

    private List<String> jobNames() {
        return jobs.list().items().stream().filter(j -> !j.path("metadata").has("deletionTimestamp"))
                .map(j -> j.path("metadata").path("name").asText()).sorted().toList();
    }

    private List<String> activeNames(String cronJob) {
        return java.util.stream.StreamSupport.stream(cronJobs.get(cronJob).path("status").path("active")
                .spliterator(), false).map(r -> r.path("name").asText()).sorted().toList();
    }

    private Map<String, Integer> events(String name) {
        Map<String, Integer> counts = new TreeMap<>();
        api.client().resource(new ResourceKey("", "v1", "events")).inNamespace("default").list().items().stream()
                .filter(e -> e.path("involvedObject").path("name").asText().equals(name))
                .forEach(e -> counts.merge(e.path("reason").asText(), e.path("count").asInt(1), Integer::sum));
        return counts;
    }

    private void finish(String job, String type, Instant started, Instant done) {
        ObjectNode j = jobs.get(job);
        ObjectNode status = j.withObject("/status");
        status.put("startTime", started.toString());
        if (type.equals("Complete")) {
            status.put("completionTime", done.toString());
        }
        status.putArray("conditions").addObject().put("type", type).put("status", "True")
                .put("lastTransitionTime", done.toString());
        jobs.updateStatus(j);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Waits until the controller has handled the latest poke and settled (no write for a while). */
    private void settle(String cronJob) throws InterruptedException {
        String before;
        String after = cronJobs.get(cronJob).path("metadata").path("resourceVersion").asText();
        do {
            before = after;
            Thread.sleep(300);
            after = cronJobs.get(cronJob).path("metadata").path("resourceVersion").asText();
        } while (!before.equals(after));
    }

    @Test
    void eachScheduleTimeGetsAJobNamedAfterItsMinute() throws Exception {
        Instant created = createCronJob("tick", "'schedule':'* * * * *'");
        Instant m1 = minuteAfter(created, 1);
        at("tick", m1.minusSeconds(1));
        settle("tick");
        assertTrue(jobNames().isEmpty(), "nothing before the first schedule time");
        at("tick", m1.plusSeconds(5));
        await("first job", () -> jobNames().contains(jobName("tick", m1)));
        ObjectNode job = jobs.get(jobName("tick", m1));
        assertEquals(m1.atZone(ZoneOffset.UTC).toOffsetDateTime().toString().replace("Z", ":00Z"),
                job.path("metadata").path("annotations").path(CronJobController.SCHEDULED_TIMESTAMP).asText());
        assertEquals("a", job.path("metadata").path("labels").path("team").asText());
        JsonNode ref = job.path("metadata").path("ownerReferences").get(0);
        assertEquals("CronJob", ref.path("kind").asText());
        assertTrue(ref.path("controller").asBoolean());
        await("status", () -> activeNames("tick").equals(List.of(jobName("tick", m1))));
        assertEquals(m1.toString(), cronJobs.get("tick").path("status").path("lastScheduleTime").asText());
        Instant m2 = m1.plus(Duration.ofMinutes(1));
        at("tick", m2.plusSeconds(1));
        await("second job", () -> activeNames("tick").size() == 2);
        at("tick", m2.plusSeconds(30));
        settle("tick");
        assertEquals(List.of(jobName("tick", m1), jobName("tick", m2)), jobNames(), "one Job per time (Allow)");
        assertEquals(2, events("tick").get("SuccessfulCreate"));
    }

    @Test
    void forbidSkipsATimeWhileAJobRunsAndTracksTheLastSuccess() throws Exception {
        Instant created = createCronJob("once", "'schedule':'* * * * *','concurrencyPolicy':'Forbid'");
        Instant m1 = minuteAfter(created, 1);
        Instant m2 = m1.plus(Duration.ofMinutes(1));
        at("once", m1.plusSeconds(1));
        await("first job", () -> activeNames("once").size() == 1);
        at("once", m2.plusSeconds(1));
        await("refused", () -> events("once").containsKey("JobAlreadyActive"));
        settle("once");
        assertEquals(List.of(jobName("once", m1)), jobNames());
        finish(jobName("once", m1), "Complete", m1, m2.plusSeconds(5));
        at("once", m2.plusSeconds(10));
        await("second job after the first finished", () -> activeNames("once")
                .equals(List.of(jobName("once", m2))));
        JsonNode status = cronJobs.get("once").path("status");
        assertEquals(m2.plusSeconds(5).toString(), status.path("lastSuccessfulTime").asText());
        assertEquals(m2.toString(), status.path("lastScheduleTime").asText());
        assertTrue(events("once").containsKey("SawCompletedJob"));
    }

    @Test
    void replaceDeletesTheRunningJobForTheNewOne() throws Exception {
        Instant created = createCronJob("fresh", "'schedule':'* * * * *','concurrencyPolicy':'Replace'");
        Instant m1 = minuteAfter(created, 1);
        Instant m2 = m1.plus(Duration.ofMinutes(1));
        at("fresh", m1.plusSeconds(1));
        await("first job", () -> activeNames("fresh").size() == 1);
        at("fresh", m2.plusSeconds(1));
        await("replaced", () -> jobNames().equals(List.of(jobName("fresh", m2)))
                && activeNames("fresh").equals(List.of(jobName("fresh", m2))));
        await("a SuccessfulDelete event", () -> Integer.valueOf(1).equals(events("fresh").get("SuccessfulDelete")));
        assertEquals(1, events("fresh").get("SuccessfulDelete"));
    }

    @Test
    void finishedJobsBeyondTheHistoryLimitsAreDeletedOldestFirst() throws Exception {
        Instant created = createCronJob("hist", "'schedule':'* * * * *','successfulJobsHistoryLimit':1,"
                + "'failedJobsHistoryLimit':1");
        Instant m = minuteAfter(created, 0);
        for (int i = 1; i <= 4; i++) {
            Instant t = m.plus(Duration.ofMinutes(i));
            at("hist", t.plusSeconds(1));
            await("job " + i, () -> jobNames().contains(jobName("hist", t)));
        }
        Instant m1 = m.plus(Duration.ofMinutes(1));
        Instant m2 = m.plus(Duration.ofMinutes(2));
        Instant m3 = m.plus(Duration.ofMinutes(3));
        Instant m4 = m.plus(Duration.ofMinutes(4));
        finish(jobName("hist", m1), "Complete", m1, m1.plusSeconds(5));
        finish(jobName("hist", m2), "Complete", m2, m2.plusSeconds(5));
        finish(jobName("hist", m3), "Failed", m3, m3.plusSeconds(5));
        finish(jobName("hist", m4), "Failed", m4, m4.plusSeconds(5));
        at("hist", m4.plusSeconds(30));
        await("cleaned", () -> jobNames().equals(List.of(jobName("hist", m2), jobName("hist", m4))));
        // Events are written off the controller's thread (the queued recorder), so the second may trail the delete.
        await("two SuccessfulDelete events", () -> Integer.valueOf(2).equals(events("hist").get("SuccessfulDelete")));
        assertEquals(2, events("hist").get("SuccessfulDelete"));
        await("no active", () -> activeNames("hist").isEmpty());
    }

    @Test
    void theScheduleIsReadInTheCronJobsTimeZone() throws Exception {
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        Instant created = createCronJob("india", "'schedule':'0 9 * * *','timeZone':'Asia/Kolkata'");
        ZonedDateTime nine = created.atZone(kolkata).truncatedTo(ChronoUnit.DAYS).plusHours(9);
        if (!nine.toInstant().isAfter(created)) {
            nine = nine.plusDays(1);
        }
        Instant due = nine.toInstant();
        at("india", due.minusSeconds(60));
        settle("india");
        assertTrue(jobNames().isEmpty());
        at("india", due.plusSeconds(30));
        await("job at 09:00 in Kolkata", () -> jobNames().equals(List.of(jobName("india", due))));
        assertTrue(jobs.get(jobName("india", due)).path("metadata").path("annotations")
                .path(CronJobController.SCHEDULED_TIMESTAMP).asText().endsWith("T09:00:00+05:30"));
    }

    @Test
    void aTimeMissedByMoreThanTheStartingDeadlineIsSkipped() throws Exception {
        Instant created = createCronJob("strict", "'schedule':'* * * * *','startingDeadlineSeconds':20");
        Instant m1 = minuteAfter(created, 1);
        at("strict", m1.plusSeconds(40));
        settle("strict");
        assertTrue(jobNames().isEmpty(), "40 s late is too late");
        Instant m2 = m1.plus(Duration.ofMinutes(1));
        at("strict", m2.plusSeconds(10));
        await("on time", () -> jobNames().equals(List.of(jobName("strict", m2))));
    }

    @Test
    void manyMissedTimesAreReportedAndOnlyTheLatestRuns() throws Exception {
        Instant created = createCronJob("late", "'schedule':'* * * * *'");
        Instant later = minuteAfter(created, 150);
        at("late", later.plusSeconds(3));
        await("one job", () -> jobNames().equals(List.of(jobName("late", later))));
        await("reported", () -> events("late").containsKey("TooManyMissedTimes"));
    }

    @Test
    void aSuspendedCronJobStartsNothingUntilResumed() throws Exception {
        Instant created = createCronJob("held", "'schedule':'* * * * *','suspend':true");
        Instant m1 = minuteAfter(created, 1);
        at("held", m1.plusSeconds(5));
        settle("held");
        assertTrue(jobNames().isEmpty());
        cronJobs.patch("held", PatchTypes.MERGE_PATCH, JSON.readTree("{\"spec\":{\"suspend\":false}}"));
        await("resumed", () -> jobNames().equals(List.of(jobName("held", m1))));
        assertFalse(events("held").containsKey("TooManyMissedTimes"));
    }

    @Test
    void anUnknownTimeZoneIsRefused() {
        CronJobController c = new CronJobController(clock);
        ObjectNode spec = JSON.createObjectNode().put("timeZone", "Mars/Olympus_Mons");
        org.junit.jupiter.api.Assertions.assertThrows(java.time.DateTimeException.class, () -> c.zoneOf(spec));
        assertEquals(ZoneOffset.UTC, c.zoneOf(JSON.createObjectNode()), "no timeZone: the controller's zone");
    }

    @Test
    void theControllerLooksAgainAtTheNextScheduleTimeByItself() throws Exception {
        Instant created = createCronJob("timer", "'schedule':'* * * * *'");
        Instant m1 = minuteAfter(created, 1);
        at("timer", m1.minusSeconds(1));
        clock.ticking(); // one real second to the schedule time, and no more touches
        await("the job of the next minute", () -> jobNames().equals(List.of(jobName("timer", m1))));
    }
}
