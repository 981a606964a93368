package io.karst.controllers.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;

/**
 * The Job controller against the real resource API. A stand-in kubelet (test only) starts every pod (Running and
 * Ready), then ends it with the exit code {@link #exitCodes} gives it (null: it keeps running), and fails pods that
 * are being deleted, as a node does when it kills their containers. The failure backoff is shortened to 10 ms so
 * retries happen at once; its real length is proven in {@link JobPartsTest}.
 */
class JobControllerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController controller;
    ResourceOperations jobs;
    ResourceOperations pods;
    final AtomicBoolean kubeletRunning = new AtomicBoolean(true);
    /** Per Job name: the exit code of a pod once it runs; null keeps it running. */
    final Map<String, Function<ObjectNode, Integer>> exitCodes = new ConcurrentHashMap<>();
    /** Per Job name: the most pods seen running at once. */
    final Map<String, AtomicInteger> mostRunning = new ConcurrentHashMap<>();
    /** Whether the stand-in kubelet ends pods that are being deleted (false: they linger in termination). */
    final AtomicBoolean killDeleted = new AtomicBoolean(true);
    Thread kubelet;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        jobs = api.client().resource(JobController.JOBS).inNamespace("default");
        pods = api.client().resource(JobController.PODS).inNamespace("default");
        controller = new RunningController(new JobController(Clock.systemUTC(), Duration.ofMillis(10),
                Duration.ofMillis(40)), api.client());
        kubelet = new Thread(this::runPods, "test-kubelet");
        kubelet.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        kubeletRunning.set(false);
        kubelet.join();
        controller.close();
        api.close();
    }

    private void runPods() {
        while (kubeletRunning.get()) {
            Map<String, Integer> running = new ConcurrentHashMap<>();
            for (ObjectNode pod : pods.list().items()) {
                String job = pod.path("metadata").path("labels").path("job-name").asText();
                String phase = pod.path("status").path("phase").asText();
                if (phase.equals("Succeeded") || phase.equals("Failed")) {
                    continue;
                }
                try {
                    if (pod.path("metadata").has("deletionTimestamp")) {
                        if (killDeleted.get()) {
                            pods.updateStatus(finished(pod, 137));
                        }
                    } else if (!phase.equals("Running")) {
                        pods.updateStatus(running(pod));
                        running.merge(job, 1, Integer::sum);
                    } else {
                        running.merge(job, 1, Integer::sum);
                        Integer code = exitCodes.getOrDefault(job, p -> null).apply(pod);
                        if (code != null) {
                            pods.updateStatus(finished(pod, code));
                        }
                    }
                } catch (ResourceException e) {
                    // changed or gone meanwhile: the next round sees it again
                }
            }
            running.forEach((job, n) -> mostRunning.computeIfAbsent(job, j -> new AtomicInteger())
                    .accumulateAndGet(n, Math::max));
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static ObjectNode running(ObjectNode pod) {
        ObjectNode p = pod.deepCopy();
        ObjectNode status = p.withObject("/status");
        status.put("phase", "Running");
        status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
                .put("lastTransitionTime", now());
        status.putArray("containerStatuses").addObject().put("name", "c").put("ready", true)
                .putObject("state").putObject("running").put("startedAt", now());
        return p;
    }

    private static ObjectNode finished(ObjectNode pod, int exitCode) {
        ObjectNode p = pod.deepCopy();
        ObjectNode status = p.withObject("/status");
        status.put("phase", exitCode == 0 ? "Succeeded" : "Failed");
        status.putArray("conditions").addObject().put("type", "Ready").put("status", "False")
                .put("lastTransitionTime", now());
        status.putArray("containerStatuses").addObject().put("name", "c").put("ready", false)
                .putObject("state").putObject("terminated").put("exitCode", exitCode).put("finishedAt", now());
        return p;
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private ObjectNode createJob(String name, String spec) throws Exception {
        return jobs.create((ObjectNode) JSON.readTree(("{'apiVersion':'batch/v1','kind':'Job','metadata':{'name':'"
                + name + "'},'spec':{" + spec + (spec.isEmpty() ? "" : ",") + "'template':{'spec':{"
                + "'restartPolicy':'Never','containers':[{'name':'c','image':'busybox'}]}}}}").replace('\'', '"')));
    }

    private List<ObjectNode> podsOf(String job) {
        return pods.list().items().stream()
                .filter(p -> p.path("metadata").path("labels").path("job-name").asText().equals(job)).toList();
    }

    private JsonNode status(String job) {
        return jobs.get(job).path("status");
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return null;
    }

    private boolean hasCondition(String job, String type) {
        JsonNode c = condition(status(job), type);
        return c != null && c.path("status").asText().equals("True");
    }

    /** How often each event reason was recorded about the Job. */
    private Map<String, Integer> events(String job) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        api.client().resource(new ResourceKey("", "v1", "events")).inNamespace("default").list().items().stream()
                .filter(e -> e.path("involvedObject").path("name").asText().equals(job))
                .forEach(e -> counts.merge(e.path("reason").asText(), e.path("count").asInt(1), Integer::sum));
        return counts;
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
    void completionsRunAtMostParallelismPodsAtOnceUntilEnoughSucceed() throws Exception {
        exitCodes.put("work", pod -> 0);
        ObjectNode job = createJob("work", "'completions':5,'parallelism':2");
        await("complete", () -> hasCondition("work", "Complete"));
        JsonNode status = status("work");
        assertEquals(5, status.path("succeeded").asInt());
        assertEquals(0, status.path("failed").asInt());
        assertEquals(0, status.path("active").asInt());
        assertTrue(status.hasNonNull("startTime") && status.hasNonNull("completionTime"));
        assertTrue(hasCondition("work", "SuccessCriteriaMet"));
        assertEquals("CompletionsReached", condition(status, "Complete").path("reason").asText());
        assertTrue(status.path("uncountedTerminatedPods").path("succeeded").isEmpty());
        assertTrue(mostRunning.get("work").get() <= 2, "at most parallelism pods ran at once");
        List<ObjectNode> ran = podsOf("work");
        assertEquals(5, ran.size(), "no pod more than completions");
        String uid = job.path("metadata").path("uid").asText();
        for (ObjectNode pod : ran) {
            JsonNode meta = pod.path("metadata");
            assertEquals(uid, meta.path("labels").path("batch.kubernetes.io/controller-uid").asText());
            assertEquals("work", meta.path("labels").path("batch.kubernetes.io/job-name").asText());
            assertEquals(uid, meta.path("labels").path("controller-uid").asText());
            JsonNode ref = meta.path("ownerReferences").get(0);
            assertEquals("Job", ref.path("kind").asText());
            assertTrue(ref.path("controller").asBoolean() && ref.path("blockOwnerDeletion").asBoolean());
            assertTrue(meta.path("finalizers").isEmpty(), "tracking finalizer removed once counted");
            assertTrue(meta.path("generateName").asText().equals("work-"));
        }
        await("events", () -> events("work").containsKey("Completed"));
        assertEquals(Map.of("Completed", 1, "SuccessfulCreate", 5), events("work"));
    }

    @Test
    void indexedJobsRunOnePodPerIndexAndRetryAFailedIndex() throws Exception {
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        exitCodes.put("idx", pod -> {
            String index = pod.path("metadata").path("annotations").path(JobController.COMPLETION_INDEX).asText();
            return index.equals("1") && failedOnce.add(index) ? 1 : 0;
        });
        createJob("idx", "'completions':3,'parallelism':3,'completionMode':'Indexed'");
        await("complete", () -> hasCondition("idx", "Complete"));
        JsonNode status = status("idx");
        assertEquals("0-2", status.path("completedIndexes").asText());
        assertEquals(3, status.path("succeeded").asInt());
        assertEquals(1, status.path("failed").asInt());
        List<ObjectNode> ran = podsOf("idx");
        assertEquals(4, ran.size());
        for (ObjectNode pod : ran) {
            String index = pod.path("metadata").path("annotations").path(JobController.COMPLETION_INDEX).asText();
            assertEquals(index, pod.path("metadata").path("labels").path(JobController.COMPLETION_INDEX).asText());
            assertEquals("idx-" + index, pod.path("spec").path("hostname").asText());
            assertTrue(pod.path("metadata").path("name").asText().startsWith("idx-" + index + "-"));
            JsonNode env = pod.path("spec").path("containers").get(0).path("env").get(0);
            assertEquals("JOB_COMPLETION_INDEX", env.path("name").asText());
        }
        assertEquals(2, ran.stream().filter(p -> p.path("spec").path("hostname").asText().equals("idx-1")).count());
    }

    @Test
    void failuresBeyondTheBackoffLimitFailTheJob() throws Exception {
        exitCodes.put("flaky", pod -> 1);
        createJob("flaky", "'backoffLimit':2");
        await("failed", () -> hasCondition("flaky", "Failed"));
        JsonNode status = status("flaky");
        assertEquals(3, status.path("failed").asInt());
        assertEquals("BackoffLimitExceeded", condition(status, "Failed").path("reason").asText());
        assertEquals("Job has reached the specified backoff limit",
                condition(status, "Failed").path("message").asText());
        assertTrue(hasCondition("flaky", "FailureTarget"));
        assertNull(status.get("completionTime"));
        assertEquals(3, podsOf("flaky").size(), "no pod after the limit");
        await("event", () -> events("flaky").containsKey("BackoffLimitExceeded"));
        assertEquals(Map.of("BackoffLimitExceeded", 1, "SuccessfulCreate", 3), events("flaky"));
    }

    @Test
    void aJobActiveLongerThanItsDeadlineFailsAndItsPodsAreDeleted() throws Exception {
        createJob("slow", "'parallelism':2,'completions':2,'activeDeadlineSeconds':1");
        await("failed", () -> hasCondition("slow", "Failed"));
        JsonNode status = status("slow");
        assertEquals("DeadlineExceeded", condition(status, "Failed").path("reason").asText());
        assertEquals(0, status.path("active").asInt());
        assertEquals(2, status.path("failed").asInt(), "the killed pods count as failed");
        await("pods gone", () -> podsOf("slow").isEmpty()); // released by their finalizer, pods without a node go
        // events are written behind the controller's back: the last may still be on its way
        await("events", () -> events("slow").equals(Map.of("DeadlineExceeded", 1, "SuccessfulCreate", 2,
                "SuccessfulDelete", 2)));
    }

    @Test
    void aSuspendedJobHasNoPodsUntilResumedAndSuspendingDeletesThem() throws Exception {
        createJob("later", "'suspend':true,'completions':2,'parallelism':2");
        await("suspended", () -> hasCondition("later", "Suspended"));
        assertEquals("JobSuspended", condition(status("later"), "Suspended").path("reason").asText());
        assertTrue(podsOf("later").isEmpty());
        assertNull(status("later").get("startTime"));
        jobs.patch("later", PatchTypes.MERGE_PATCH, JSON.readTree("{\"spec\":{\"suspend\":false}}"));
        await("running", () -> status("later").path("active").asInt() == 2);
        JsonNode resumed = condition(status("later"), "Suspended");
        assertEquals("False", resumed.path("status").asText());
        assertEquals("JobResumed", resumed.path("reason").asText());
        assertTrue(status("later").hasNonNull("startTime"));
        jobs.patch("later", PatchTypes.MERGE_PATCH, JSON.readTree("{\"spec\":{\"suspend\":true}}"));
        await("pods deleted", () -> podsOf("later").stream().noneMatch(p -> !p.path("metadata")
                .has("deletionTimestamp") && !p.path("status").path("phase").asText().equals("Failed"))
                && hasCondition("later", "Suspended") && status("later").path("active").asInt() == 0);
        assertEquals(0, status("later").path("failed").asInt(), "pods deleted for a suspension are no failures");
        exitCodes.put("later", pod -> 0);
        jobs.patch("later", PatchTypes.MERGE_PATCH, JSON.readTree("{\"spec\":{\"suspend\":false}}"));
        await("complete", () -> hasCondition("later", "Complete"));
        assertEquals(2, status("later").path("succeeded").asInt());
        assertEquals(2, events("later").get("Suspended"));
        assertEquals(2, events("later").get("Resumed"));
        assertEquals(2, events("later").get("SuccessfulDelete"));
    }

    @Test
    void podFailurePolicyIgnoresSomeExitCodesAndFailsTheJobOnOthers() throws Exception {
        AtomicInteger started = new AtomicInteger();
        Map<String, Integer> codes = new ConcurrentHashMap<>();
        exitCodes.put("policy", pod -> codes.computeIfAbsent(pod.path("metadata").path("name").asText(),
                n -> started.incrementAndGet() == 1 ? 3 : 42));
        createJob("policy", "'backoffLimit':0,'podFailurePolicy':{'rules':["
                + "{'action':'Ignore','onExitCodes':{'operator':'In','values':[3]}},"
                + "{'action':'FailJob','onExitCodes':{'containerName':'c','operator':'In','values':[42]}}]}");
        await("failed", () -> hasCondition("policy", "Failed"));
        JsonNode status = status("policy");
        JsonNode failed = condition(status, "Failed");
        assertEquals("PodFailurePolicy", failed.path("reason").asText());
        assertTrue(failed.path("message").asText().matches(
                "Container c for pod default/policy-\\S+ failed with exit code 42 matching FailJob rule at index 1"),
                failed.path("message").asText());
        assertEquals(1, status.path("failed").asInt(), "the ignored failure is not counted");
        assertEquals(2, podsOf("policy").size(), "the ignored pod was replaced");
    }

    @Test
    void podFailurePolicyCountRulesCountTowardsTheBackoffLimit() throws Exception {
        exitCodes.put("counted", pod -> 5);
        createJob("counted", "'backoffLimit':1,'podFailurePolicy':{'rules':["
                + "{'action':'Count','onExitCodes':{'operator':'In','values':[5]}},"
                + "{'action':'Ignore','onPodConditions':[{'type':'DisruptionTarget'}]}]}");
        await("failed", () -> hasCondition("counted", "Failed"));
        assertEquals("BackoffLimitExceeded", condition(status("counted"), "Failed").path("reason").asText());
        assertEquals(2, status("counted").path("failed").asInt());
        assertFalse(hasCondition("counted", "Complete"));
    }

    @Test
    void podsOfADeletedJobLoseTheTrackingFinalizer() throws Exception {
        createJob("gone", "'completions':2,'parallelism':2");
        await("running", () -> podsOf("gone").size() == 2 && podsOf("gone").stream()
                .allMatch(p -> p.path("status").path("phase").asText().equals("Running")));
        assertTrue(podsOf("gone").stream().allMatch(p -> p.path("metadata").path("finalizers").get(0).asText()
                .equals(JobController.TRACKING_FINALIZER)));
        jobs.delete("gone");
        await("finalizers released", () -> podsOf("gone").size() == 2 && podsOf("gone").stream()
                .allMatch(p -> p.path("metadata").path("finalizers").isEmpty()));
    }

    @Test
    void aJobManagedByAnotherControllerIsLeftAlone() throws Exception {
        createJob("elsewhere", "'managedBy':'example.com/other'");
        createJob("here", "'managedBy':'kubernetes.io/job-controller'");
        await("the other job runs", () -> podsOf("here").size() == 1);
        Thread.sleep(300);
        assertTrue(podsOf("elsewhere").isEmpty());
        assertTrue(status("elsewhere").path("active").isMissingNode());
    }

    @Test
    void withPodReplacementPolicyFailedATerminatingPodIsReplacedOnlyOnceItHasFailed() throws Exception {
        killDeleted.set(false);
        createJob("patient", "'podReplacementPolicy':'Failed','backoffLimit':3");
        createJob("eager", "'backoffLimit':3");
        await("running", () -> status("patient").path("active").asInt() == 1
                && status("eager").path("active").asInt() == 1);
        pods.delete(podsOf("patient").get(0).path("metadata").path("name").asText());
        String first = podsOf("eager").get(0).path("metadata").path("name").asText();
        pods.delete(first);
        // TerminatingOrFailed (the default) counts a pod as failed, and replaces it, as soon as its deletion begins
        await("eager replacement", () -> podsOf("eager").stream().anyMatch(p -> !p.path("metadata").path("name")
                .asText().equals(first)) && status("eager").path("failed").asInt() == 1);
        await("terminating counted", () -> status("patient").path("terminating").asInt() == 1);
        Thread.sleep(300);
        assertEquals(1, podsOf("patient").size(), "no replacement while the old pod terminates");
        killDeleted.set(true);
        await("replaced once failed", () -> podsOf("patient").stream()
                .filter(p -> !p.path("metadata").has("deletionTimestamp")).count() == 1
                && status("patient").path("failed").asInt() == 1);
    }

    @Test
    void aJobWithAManualSelectorAdoptsMatchingOrphansAndReleasesPodsItNoLongerSelects() throws Exception {
        pods.create((ObjectNode) JSON.readTree(("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'stray',"
                + "'labels':{'job-name':'manual','app':'batch'}},'spec':{'restartPolicy':'Never',"
                + "'containers':[{'name':'c','image':'busybox'}]}}").replace('\'', '"')));
        // The controller's pod cache (this client's shared informer) must hold the stray pod before the Job
        // arrives, or it rightly creates a pod of its own first, as upstream's would.
        await("the stray pod in the controller's cache",
                () -> api.client().informers().informer(JobController.PODS).lister().get("default", "stray")
                        .isPresent());
        ObjectNode job = jobs.create((ObjectNode) JSON.readTree(("{'apiVersion':'batch/v1','kind':'Job','metadata':"
                + "{'name':'manual'},'spec':{'manualSelector':true,'selector':{'matchLabels':{'app':'batch'}},"
                + "'completions':1,'parallelism':1,'template':{'metadata':{'labels':{'app':'batch','job-name':"
                + "'manual'}},'spec':{'restartPolicy':'Never','containers':[{'name':'c','image':'busybox'}]}}}}")
                .replace('\'', '"')));
        String uid = job.path("metadata").path("uid").asText();
        await("adopted", () -> pods.get("stray").path("metadata").path("ownerReferences").path(0).path("uid")
                .asText().equals(uid));
        assertEquals(JobController.TRACKING_FINALIZER,
                pods.get("stray").path("metadata").path("finalizers").path(0).asText());
        await("counted as the active pod", () -> status("manual").path("active").asInt() == 1);
        Thread.sleep(300);
        assertEquals(List.of("stray"), podsOf("manual").stream().map(p -> p.path("metadata").path("name").asText())
                .toList(), "no pod created beside the adopted one");
        pods.patch("stray", PatchTypes.MERGE_PATCH, JSON.readTree("{\"metadata\":{\"labels\":{\"app\":\"other\"}}}"));
        await("released", () -> pods.get("stray").path("metadata").path("ownerReferences").isEmpty()
                && pods.get("stray").path("metadata").path("finalizers").isEmpty());
        await("replaced", () -> podsOf("manual").size() == 2);
    }

    private static String indexOfPod(ObjectNode pod) {
        return pod.path("metadata").path("annotations").path(JobController.COMPLETION_INDEX).asText();
    }

    @Test
    void withABackoffLimitPerIndexAnIndexFailsAloneAndTheJobFailsWithFailedIndexes() throws Exception {
        exitCodes.put("per", pod -> indexOfPod(pod).equals("1") ? 1 : 0);
        createJob("per", "'completions':3,'parallelism':3,'completionMode':'Indexed','backoffLimitPerIndex':1");
        await("failed", () -> hasCondition("per", "Failed"));
        JsonNode status = status("per");
        assertEquals("FailedIndexes", condition(status, "Failed").path("reason").asText());
        assertEquals("Job has failed indexes", condition(status, "Failed").path("message").asText());
        assertEquals("1", status.path("failedIndexes").asText());
        assertEquals("0,2", status.path("completedIndexes").asText());
        assertEquals(2, status.path("failed").asInt());
        List<String> counts = podsOf("per").stream().filter(p -> indexOfPod(p).equals("1"))
                .map(p -> p.path("metadata").path("annotations").path(JobController.INDEX_FAILURE_COUNT).asText())
                .sorted().toList();
        assertEquals(List.of("0", "1"), counts, "index 1 ran twice: its first try and one retry");
    }

    @Test
    void moreFailedIndexesThanMaxFailedIndexesFailTheJob() throws Exception {
        exitCodes.put("maxed", pod -> indexOfPod(pod).equals("0") ? 1 : null);
        createJob("maxed", "'completions':3,'parallelism':3,'completionMode':'Indexed','backoffLimitPerIndex':0,"
                + "'maxFailedIndexes':0");
        await("failed", () -> hasCondition("maxed", "Failed"));
        assertEquals("MaxFailedIndexesExceeded", condition(status("maxed"), "Failed").path("reason").asText());
        assertEquals("0", status("maxed").path("failedIndexes").asText());
    }
}
