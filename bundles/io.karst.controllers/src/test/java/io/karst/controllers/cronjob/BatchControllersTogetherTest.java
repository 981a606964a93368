package io.karst.controllers.cronjob;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;
import io.karst.controllers.gc.GarbageCollector;
import io.karst.controllers.job.JobController;
import io.karst.controllers.ttl.TtlAfterFinishedController;

/**
 * The CronJob, Job, ttl-after-finished and garbage collector controllers together, as kube-controller-manager runs
 * them: a CronJob's Job runs its pod (a stand-in kubelet ends every pod with success), completes, is recorded as
 * the CronJob's last success, and is deleted with its pod once its TTL of 3 s has passed. (With a TTL of 0 the
 * Job may be gone before the CronJob controller sees it finish, and then, as upstream's, it records no success.)
 */
class BatchControllersTogetherTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    MutableClock clock;
    RunningController cronJobController;
    RunningController jobController;
    RunningController ttlController;
    RunningController collector;
    ResourceOperations cronJobs;
    ResourceOperations jobs;
    ResourceOperations pods;
    final AtomicBoolean kubeletRunning = new AtomicBoolean(true);
    Thread kubelet;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        cronJobs = api.client().resource(CronJobController.CRONJOBS).inNamespace("default");
        jobs = api.client().resource(CronJobController.JOBS).inNamespace("default");
        pods = api.client().resource(new ResourceKey("", "v1", "pods")).inNamespace("default");
        clock = new MutableClock(Instant.now(), ZoneOffset.UTC);
        cronJobController = new RunningController(new CronJobController(clock), api.client());
        jobController = new RunningController(new JobController(), api.client());
        ttlController = new RunningController(new TtlAfterFinishedController(), api.client());
        collector = new RunningController(new GarbageCollector(), api.client());
        kubelet = new Thread(this::succeedPods, "test-kubelet");
        kubelet.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        kubeletRunning.set(false);
        kubelet.join();
        cronJobController.close();
        jobController.close();
        ttlController.close();
        collector.close();
        api.close();
    }

    private void succeedPods() {
        while (kubeletRunning.get()) {
            for (ObjectNode pod : pods.list().items()) {
                String phase = pod.path("status").path("phase").asText();
                if (phase.equals("Succeeded") || phase.equals("Failed")) {
                    continue;
                }
                ObjectNode done = pod.deepCopy();
                ObjectNode status = done.withObject("/status");
                status.put("phase", "Succeeded");
                status.putArray("containerStatuses").addObject().put("name", "c").putObject("state")
                        .putObject("terminated").put("exitCode", 0)
                        .put("finishedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                try {
                    pods.updateStatus(done);
                } catch (ResourceException e) {
                    // changed or gone meanwhile
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
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

    @Test
    void aScheduledJobRunsCompletesIsRecordedAndExpires() throws Exception {
        ObjectNode cj = cronJobs.create((ObjectNode) JSON.readTree(("{'apiVersion':'batch/v1','kind':'CronJob',"
                + "'metadata':{'name':'nightly'},'spec':{'schedule':'@hourly','jobTemplate':{'spec':{"
                + "'ttlSecondsAfterFinished':3,'template':{'spec':{'restartPolicy':'OnFailure','containers':"
                + "[{'name':'c','image':'busybox'}]}}}}}}").replace('\'', '"')));
        Instant created = Instant.parse(cj.path("metadata").path("creationTimestamp").asText());
        Instant hour = created.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        String jobName = "nightly-" + hour.getEpochSecond() / 60;
        clock.set(hour.plusSeconds(2));
        cronJobs.patch("nightly", PatchTypes.MERGE_PATCH, JSON.readTree("{\"metadata\":{\"annotations\":"
                + "{\"test/poke\":\"1\"}}}"));
        await("the job was created", () -> !cronJobs.get("nightly").path("status").path("lastScheduleTime")
                .isMissingNode());
        await("the job succeeded and is recorded", () -> cronJobs.get("nightly").path("status")
                .has("lastSuccessfulTime") && cronJobs.get("nightly").path("status").path("active").isEmpty());
        await("the job expired with its pod", () -> jobs.find(jobName).isEmpty() && pods.list().items().isEmpty());
        assertEquals(hour.toString(), cronJobs.get("nightly").path("status").path("lastScheduleTime").asText());
    }
}
