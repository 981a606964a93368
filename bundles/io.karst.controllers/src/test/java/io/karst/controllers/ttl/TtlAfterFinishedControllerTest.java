package io.karst.controllers.ttl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;
import io.karst.controllers.cronjob.MutableClock;
import io.karst.controllers.gc.GarbageCollector;

/**
 * The ttl-after-finished controller against the real resource API, on a clock the test moves, with the garbage
 * collector carrying out the foreground deletion. The test writes the Jobs' finished status itself.
 */
class TtlAfterFinishedControllerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController ttl;
    RunningController collector;
    MutableClock clock;
    ResourceOperations jobs;
    final AtomicInteger pokes = new AtomicInteger();

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        jobs = api.client().resource(TtlAfterFinishedController.JOBS).inNamespace("default");
        clock = new MutableClock(Instant.now(), ZoneOffset.UTC);
        ttl = new RunningController(new TtlAfterFinishedController(clock), api.client());
        collector = new RunningController(new GarbageCollector(), api.client());
    }

    @AfterEach
    void stop() {
        ttl.close();
        collector.close();
        api.close();
    }

    private void createFinishedJob(String name, String ttlField, String condition, Instant finished)
            throws Exception {
        ObjectNode job = jobs.create((ObjectNode) JSON.readTree(("{'apiVersion':'batch/v1','kind':'Job','metadata':"
                + "{'name':'" + name + "'},'spec':{" + ttlField + "'template':{'spec':{'restartPolicy':'Never',"
                + "'containers':[{'name':'c','image':'busybox'}]}}}}").replace('\'', '"')));
        ObjectNode status = job.withObject("/status");
        status.put("startTime", finished.minusSeconds(5).toString());
        status.putArray("conditions").addObject().put("type", condition).put("status", "True")
                .put("lastTransitionTime", finished.toString());
        jobs.updateStatus(job);
    }

    /** Sets the clock and has the controller look at the Job (a touch instead of waiting for its timer). */
    private void at(String job, Instant time) throws Exception {
        clock.set(time);
        jobs.patch(job, PatchTypes.MERGE_PATCH, JSON.readTree("{\"metadata\":{\"annotations\":{\"test/poke\":\""
                + pokes.incrementAndGet() + "\"}}}"));
    }

    private boolean gone(String job) {
        return jobs.find(job).isEmpty();
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
    void aFinishedJobIsDeletedOnceItsTtlHasPassed() throws Exception {
        Instant finished = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        createFinishedJob("done", "'ttlSecondsAfterFinished':60,", "Complete", finished);
        createFinishedJob("failed", "'ttlSecondsAfterFinished':60,", "Failed", finished);
        createFinishedJob("kept", "", "Complete", finished);
        at("done", finished.plusSeconds(30));
        at("failed", finished.plusSeconds(30));
        Thread.sleep(500); // nothing may happen before the TTL: give it the chance to go wrong
        assertTrue(!gone("done") && !gone("failed"), "deleted before the TTL passed");
        at("done", finished.plusSeconds(61));
        at("failed", finished.plusSeconds(61));
        at("kept", finished.plusSeconds(61));
        await("deleted after the TTL", () -> gone("done") && gone("failed"));
        Thread.sleep(300);
        assertTrue(!gone("kept"), "a Job without a TTL stays");
    }

    @Test
    void aRunningJobIsNotDeletedWhateverItsTtl() throws Exception {
        jobs.create((ObjectNode) JSON.readTree(("{'apiVersion':'batch/v1','kind':'Job','metadata':{'name':'busy'},"
                + "'spec':{'ttlSecondsAfterFinished':0,'template':{'spec':{'restartPolicy':'Never',"
                + "'containers':[{'name':'c','image':'busybox'}]}}}}").replace('\'', '"')));
        at("busy", Instant.now().plusSeconds(3600));
        Thread.sleep(500);
        assertTrue(!gone("busy"));
        // finishing it with a TTL of 0 deletes it at once
        createFinishedJob("instant", "'ttlSecondsAfterFinished':0,", "Complete", clock.instant());
        await("deleted at once", () -> gone("instant"));
    }

    @Test
    void theControllerLooksAgainWhenTheTtlExpiresByItself() throws Exception {
        Instant finished = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        createFinishedJob("timed", "'ttlSecondsAfterFinished':60,", "Complete", finished);
        at("timed", finished.plusSeconds(59));
        clock.ticking(); // one real second to expiry, and no more touches
        await("deleted at expiry", () -> gone("timed"));
    }
}
