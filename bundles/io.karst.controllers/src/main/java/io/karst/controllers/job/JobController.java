package io.karst.controllers.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.Informer;
import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.EventRecorder;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;
import io.karst.controllers.objects.JsonTrees;
import io.karst.controllers.ownership.ControllerRefs;
import io.karst.controllers.replicaset.Expectations;
import io.karst.controllers.selection.LabelSelectorMatch;

/**
 * kube-controller-manager's Job controller. It runs {@code min(parallelism, completions - succeeded)} pods from the
 * template (NonIndexed), or one pod per pending completion index (Indexed: the index in the
 * {@value #COMPLETION_INDEX} annotation and label, hostname {@code <job>-<index>}, {@code JOB_COMPLETION_INDEX}
 * in every container). Every pod carries the {@value #TRACKING_FINALIZER} finalizer: a finished pod is first
 * recorded in {@code status.uncountedTerminatedPods}, then its finalizer is removed, then it moves to the
 * {@code succeeded}/{@code failed} counters, so no pod is counted twice or lost when it is deleted. Failed pods are
 * replaced after an exponential backoff (10 s doubling, at most 10 min); {@code podFailurePolicy} may fail the Job
 * at once, ignore a failure, or count it. The Job fails when it has more failures than {@code backoffLimit},
 * runs longer than {@code activeDeadlineSeconds} or a FailJob rule matches (FailureTarget, then Failed once its
 * pods are gone); it completes once enough pods succeeded (SuccessCriteriaMet, then Complete). A suspended Job
 * has its pods deleted (not counted as failures) and a Suspended condition. Indexed Jobs with
 * {@code backoffLimitPerIndex} retry and fail each index alone ({@code status.failedIndexes},
 * {@code maxFailedIndexes}). Jobs with a manual selector adopt matching orphan pods; Jobs whose
 * {@code spec.managedBy} names another controller are left to it.
 */
@Component(service = Controller.class, property = Controller.NAME + "=job")
public final class JobController implements Controller {
    static final ResourceKey JOBS = new ResourceKey("batch", "v1", "jobs");
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    static final String TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
    static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
    /** On an Indexed Job's pod with backoffLimitPerIndex: how often its index failed before it. */
    static final String INDEX_FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count";
    /** The {@code spec.managedBy} value that means this controller (also what an unset field means). */
    static final String MANAGED_BY = "kubernetes.io/job-controller";
    static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(10);
    /** Upstream's MaxJobPodFailureBackOff (its documentation still says six minutes; the code says ten). */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
    /** Upstream's MaxPodCreateDeletePerSync. */
    static final int BURST = 500;
    /** Queue keys of pods that still carry the tracking finalizer but whose Job is gone. */
    private static final String ORPHAN = "orphan-pod:";

    private final Clock clock;
    private final Duration backoffBase;
    private final Duration backoffMax;
    private final Expectations expectations = new Expectations();
    /** Per Job key: failures since the last success, for the replacement backoff (upstream keeps it in memory). */
    private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();
    /** Uids of pods whose finalizer this controller removed and the pod cache may not show yet. */
    private final Set<String> finalizerRemoved = ConcurrentHashMap.newKeySet();
    /**
     * The resourceVersion of the last status this controller wrote, per Job. A sync from a cached Job older than
     * that would count from a stale status (pods whose finalizers it has since removed would be missing from
     * it) and create pods too many; it waits for the cache instead, whose update queues the Job again.
     */
    private final Map<String, Long> statusWritten = new ConcurrentHashMap<>();
    private volatile ControllerContext context;
    private volatile ResourceClient client;
    private volatile Informer jobs;
    private volatile Informer pods;

    public JobController() {
        this(Clock.systemUTC(), DEFAULT_BACKOFF, MAX_BACKOFF);
    }

    /** For tests: a clock to judge deadlines and backoff by, and the backoff's base and cap. */
    JobController(Clock clock, Duration backoffBase, Duration backoffMax) {
        this.clock = clock;
        this.backoffBase = backoffBase;
        this.backoffMax = backoffMax;
    }

    @Override
    public String name() {
        return "job";
    }

    @Override
    public int workers() {
        return 5; // upstream --concurrent-job-syncs
    }

    @Override
    public void start(ControllerContext ctx) {
        context = ctx;
        client = ctx.client();
        jobs = ctx.informers().informer(JOBS);
        pods = ctx.informers().informer(PODS);
        ctx.handle(jobs, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode job) {
                ctx.queue().add(ObjectKeys.of(job));
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode job) {
                ctx.queue().add(ObjectKeys.of(job));
            }

            @Override
            public void onDelete(ObjectNode job, boolean finalStateUnknown) {
                String key = ObjectKeys.of(job);
                expectations.forget(key);
                backoffs.remove(key);
                statusWritten.remove(key);
                // its pods may still hold the tracking finalizer
                for (ObjectNode pod : pods.lister().list(namespaceOf(job))) {
                    JsonNode ref = ControllerRefs.of(pod);
                    if (ref != null && ref.path("uid").asText().equals(uidOf(job)) && hasFinalizer(pod)) {
                        ctx.queue().add(ORPHAN + ObjectKeys.of(pod));
                    }
                }
            }
        });
        ctx.handle(pods, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode pod) {
                String job = jobKey(pod);
                if (job != null) {
                    expectations.creationObserved(job);
                    ctx.queue().add(job);
                } else {
                    if (hasFinalizer(pod)) {
                        ctx.queue().add(ORPHAN + ObjectKeys.of(pod));
                    }
                    selectingJobs(pod).forEach(ctx.queue()::add); // one may adopt it
                }
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode pod) {
                if (!hasFinalizer(pod)) {
                    finalizerRemoved.remove(uidOf(pod));
                }
                String before = jobKey(old);
                String after = jobKey(pod);
                if (after != null && pod.path("metadata").has("deletionTimestamp")
                        && !old.path("metadata").has("deletionTimestamp")) {
                    // a graceful deletion has begun: the replacement need not wait until the pod is gone
                    expectations.deletionObserved(after);
                }
                if (before != null && !before.equals(after)) {
                    ctx.queue().add(before);
                }
                if (after != null) {
                    ctx.queue().add(after);
                } else {
                    if (hasFinalizer(pod)) {
                        ctx.queue().add(ORPHAN + ObjectKeys.of(pod));
                    }
                    if (ControllerRefs.of(pod) == null) {
                        selectingJobs(pod).forEach(ctx.queue()::add);
                    }
                }
            }

            @Override
            public void onDelete(ObjectNode pod, boolean finalStateUnknown) {
                finalizerRemoved.remove(uidOf(pod));
                String job = jobKey(pod);
                if (job != null) {
                    expectations.deletionObserved(job);
                    ctx.queue().add(job);
                }
            }
        });
    }

    /** The key of the Job that controls {@code pod}, if that Job (with that uid) is in the cache. */
    private String jobKey(ObjectNode pod) {
        JsonNode ref = ControllerRefs.of(pod);
        if (ref == null || !ref.path("kind").asText().equals("Job")
                || !ref.path("apiVersion").asText().startsWith("batch/")) {
            return null;
        }
        return jobs.lister().get(namespaceOf(pod), ref.path("name").asText())
                .filter(job -> uidOf(job).equals(ref.path("uid").asText())).map(ObjectKeys::of).orElse(null);
    }

    /** The keys of the Jobs whose selector matches an orphan pod (only manual selectors can). */
    private List<String> selectingJobs(ObjectNode pod) {
        if (ControllerRefs.of(pod) != null) {
            return List.of();
        }
        JsonNode labels = pod.path("metadata").path("labels");
        return jobs.lister().list(namespaceOf(pod)).stream()
                .filter(job -> LabelSelectorMatch.of(job.path("spec").path("selector")).matches(labels))
                .map(ObjectKeys::of).toList();
    }

    @Override
    public ReconcileResult reconcile(String key) {
        if (key.startsWith(ORPHAN)) {
            releaseOrphan(key.substring(ORPHAN.length()));
            return ReconcileResult.DONE;
        }
        Optional<ObjectNode> found = jobs.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key));
        if (found.isEmpty()) {
            expectations.forget(key);
            backoffs.remove(key);
            statusWritten.remove(key);
            return ReconcileResult.DONE;
        }
        Long written = statusWritten.get(key);
        if (written != null && resourceVersion(found.get()) < written) {
            return ReconcileResult.DONE;
        }
        String managedBy = found.get().path("spec").path("managedBy").asText(MANAGED_BY);
        if (!managedBy.equals(MANAGED_BY)) {
            return ReconcileResult.DONE; // another controller runs this Job (spec.managedBy)
        }
        return new Sync(key, found.get()).run();
    }

    /** A pod whose Job is gone keeps nothing from going: drop the tracking finalizer. */
    private void releaseOrphan(String podKey) {
        Optional<ObjectNode> pod = pods.lister().get(ObjectKeys.namespace(podKey), ObjectKeys.name(podKey));
        if (pod.isPresent() && hasFinalizer(pod.get()) && jobKey(pod.get()) == null) {
            // the cache may lag behind a Job just created: ask the server before letting go
            JsonNode ref = ControllerRefs.of(pod.get());
            if (ref != null && ref.path("kind").asText().equals("Job")) {
                Optional<ObjectNode> live = client.resource(JOBS).inNamespace(namespaceOf(pod.get()))
                        .find(ref.path("name").asText());
                if (live.isPresent() && uidOf(live.get()).equals(ref.path("uid").asText())
                        && !isFinished(live.get())) {
                    return;
                }
            }
            removeFinalizer(pod.get());
        }
    }

    /** One pass over one Job. */
    private final class Sync {
        final String key;
        final ObjectNode job;
        final JsonNode spec;
        final Instant now = clock.instant();
        final boolean indexed;
        final int completions;
        final boolean hasCompletions;
        final JsonNode failurePolicy;
        final boolean onlyReplaceFailed;
        /** Indexed with {@code backoffLimitPerIndex}: each index has its own retries and may fail alone. */
        final boolean perIndex;
        List<ObjectNode> ownedAll = List.of();
        TreeSet<Integer> failedIndexes = new TreeSet<>();
        /** The soonest an index waiting out its backoff may get a pod again; null when none waits. */
        Duration indexWait;

        Sync(String key, ObjectNode job) {
            this.key = key;
            this.job = job;
            this.spec = job.path("spec");
            this.indexed = spec.path("completionMode").asText("NonIndexed").equals("Indexed");
            this.hasCompletions = spec.hasNonNull("completions");
            this.completions = spec.path("completions").asInt(0);
            this.failurePolicy = spec.path("podFailurePolicy");
            this.onlyReplaceFailed = failurePolicy.isObject()
                    || spec.path("podReplacementPolicy").asText("").equals("Failed");
            this.perIndex = indexed && spec.hasNonNull("backoffLimitPerIndex");
        }

        ReconcileResult run() {
            boolean finished = isFinished(job);
            List<ObjectNode> owned = ownedPods(!finished);
            if (finished) {
                // a finished Job lets go of every pod it still holds
                owned.stream().filter(JobController::hasFinalizer).forEach(JobController.this::removeFinalizer);
                return ReconcileResult.DONE;
            }
            JsonNode status = job.path("status");
            ownedAll = owned;
            if (perIndex) {
                failedIndexes = CompletedIndexes.parse(status.path("failedIndexes").asText(""), completions);
            }
            Set<String> uncountedSucceeded = texts(status.path("uncountedTerminatedPods").path("succeeded"));
            Set<String> uncountedFailed = texts(status.path("uncountedTerminatedPods").path("failed"));
            TreeSet<Integer> completedIndexes = indexed
                    ? CompletedIndexes.parse(status.path("completedIndexes").asText(""), completions) : new TreeSet<>();
            List<ObjectNode> active = new ArrayList<>();
            List<ObjectNode> terminating = new ArrayList<>();
            List<ObjectNode> release = new ArrayList<>(); // finalizers to drop without counting
            PodFailurePolicy.Match failJob = null;
            int newSucceeded = 0;
            int newFailed = 0;
            Backoff backoff = backoffs.getOrDefault(key, Backoff.NONE);
            List<ObjectNode> finishedNow = new ArrayList<>();
            for (ObjectNode pod : owned) {
                String uid = uidOf(pod);
                String phase = pod.path("status").path("phase").asText("");
                boolean deleting = pod.path("metadata").has("deletionTimestamp");
                boolean succeeded = phase.equals("Succeeded");
                boolean failed = phase.equals("Failed") || (deleting && !succeeded && !onlyReplaceFailed);
                if (!succeeded && !failed) {
                    (deleting ? terminating : active).add(pod);
                    continue;
                }
                if (!hasFinalizer(pod) || finalizerRemoved.contains(uid) || uncountedSucceeded.contains(uid)
                        || uncountedFailed.contains(uid)) {
                    continue; // counted already, or about to be
                }
                finishedNow.add(pod);
            }
            finishedNow.sort(Comparator.comparing(JobController.this::finishTime));
            for (ObjectNode pod : finishedNow) {
                String uid = uidOf(pod);
                if (pod.path("status").path("phase").asText("").equals("Succeeded")) {
                    int index = indexOf(pod);
                    if (indexed && (index < 0 || index >= completions)) {
                        release.add(pod); // not a completion of this Job: release it uncounted
                        continue;
                    }
                    if (indexed) {
                        completedIndexes.add(index); // the index is the record: no uid needed (as upstream)
                        release.add(pod);
                    } else {
                        uncountedSucceeded.add(uid);
                    }
                    newSucceeded++;
                    backoff = backoff.record(true, finishTime(pod));
                    continue;
                }
                PodFailurePolicy.Match match = failurePolicy.isObject()
                        && pod.path("status").path("phase").asText("").equals("Failed")
                        ? PodFailurePolicy.match(failurePolicy, pod) : null;
                if (match != null && match.action().equals(PodFailurePolicy.IGNORE)) {
                    release.add(pod);
                    continue;
                }
                if (match != null && match.action().equals(PodFailurePolicy.FAIL_JOB) && failJob == null) {
                    failJob = match;
                }
                int index = indexOf(pod);
                if (perIndex && index >= 0 && index < completions && ((match != null
                        && match.action().equals(PodFailurePolicy.FAIL_INDEX))
                        || failureCount(pod) + 1 > spec.path("backoffLimitPerIndex").asInt())) {
                    failedIndexes.add(index);
                }
                uncountedFailed.add(uid);
                newFailed++;
                backoff = backoff.record(false, finishTime(pod));
            }

            int succeeded = indexed ? completedIndexes.size()
                    : status.path("succeeded").asInt(0) + uncountedSucceeded.size();
            int failed = status.path("failed").asInt(0) + uncountedFailed.size();
            boolean suspended = spec.path("suspend").asBoolean(false);
            ArrayNode conditions = status.path("conditions").isArray()
                    ? (ArrayNode) status.get("conditions").deepCopy() : JsonNodeFactory.instance.arrayNode();

            // the criteria that end the Job, judged once
            ObjectNode target = condition(conditions, "FailureTarget");
            ObjectNode successMet = condition(conditions, "SuccessCriteriaMet");
            if (target == null && successMet == null) {
                Condition ending = null;
                if (failJob != null) {
                    ending = new Condition("FailureTarget", "PodFailurePolicy", failJob.message());
                } else if (perIndex && spec.hasNonNull("maxFailedIndexes")
                        && failedIndexes.size() > spec.path("maxFailedIndexes").asInt()) {
                    ending = new Condition("FailureTarget", "MaxFailedIndexesExceeded",
                            "Job has exceeded the specified maximal number of failed indexes");
                } else if (failed > spec.path("backoffLimit").asInt(6) || pastBackoffLimitOnFailure(active)) {
                    ending = new Condition("FailureTarget", "BackoffLimitExceeded",
                            "Job has reached the specified backoff limit");
                } else if (pastActiveDeadline(status, suspended)) {
                    ending = new Condition("FailureTarget", "DeadlineExceeded",
                            "Job was active longer than specified deadline");
                } else if (perIndex && !failedIndexes.isEmpty()
                        && union(completedIndexes, failedIndexes).stream().distinct().count() >= completions) {
                    ending = new Condition("FailureTarget", "FailedIndexes", "Job has failed indexes");
                } else if (complete(succeeded, completedIndexes, active)) {
                    ending = new Condition("SuccessCriteriaMet", "CompletionsReached",
                            "Reached expected number of succeeded pods");
                }
                if (ending != null) {
                    setCondition(conditions, ending, "True");
                    target = condition(conditions, "FailureTarget");
                    successMet = condition(conditions, "SuccessCriteriaMet");
                }
            }
            boolean ending = target != null || successMet != null;
            if (target != null) {
                // a failing Job's unfinished pods count as failed at once (upstream), unless a rule ignores them
                for (ObjectNode pod : union(active, terminating)) {
                    String uid = uidOf(pod);
                    if (!hasFinalizer(pod) || finalizerRemoved.contains(uid) || uncountedFailed.contains(uid)) {
                        continue;
                    }
                    PodFailurePolicy.Match match = failurePolicy.isObject()
                            ? PodFailurePolicy.match(failurePolicy, pod) : null;
                    if (match != null && match.action().equals(PodFailurePolicy.IGNORE)) {
                        release.add(pod);
                    } else {
                        uncountedFailed.add(uid);
                    }
                }
            }

            ObjectNode newStatus = status.isObject() ? ((ObjectNode) status).deepCopy()
                    : JsonNodeFactory.instance.objectNode();
            Duration requeue = null;
            String transition = null; // told once the status saying so is written
            List<ObjectNode> stillActive = active;
            if (ending) {
                stillActive = deletePods(active, false); // they count as failed
            } else if (suspended) {
                stillActive = deletePods(active, true); // a suspension is no failure
                if (!isTrue(conditions, "Suspended")) {
                    setCondition(conditions, new Condition("Suspended", "JobSuspended", "Job suspended"), "True");
                    transition = "Suspended";
                }
            } else {
                if (isTrue(conditions, "Suspended")) {
                    setCondition(conditions, new Condition("Suspended", "JobResumed", "Job resumed"), "False");
                    transition = "Resumed";
                    newStatus.put("startTime", timestamp(now)); // the active deadline starts again
                } else if (!newStatus.hasNonNull("startTime")) {
                    newStatus.put("startTime", timestamp(now));
                }
                if (expectations.satisfied(key)) {
                    Duration wait = backoff.remaining(now, backoffBase, backoffMax);
                    if (perIndex) {
                        wait = Duration.ZERO; // each index waits out its own backoff
                    }
                    stillActive = manage(active, succeeded, completedIndexes, terminating,
                            wait.isZero() ? null : wait);
                    if (!wait.isZero()) {
                        requeue = wait;
                    } else if (indexWait != null) {
                        requeue = indexWait;
                    }
                }
                if (spec.hasNonNull("activeDeadlineSeconds") && newStatus.hasNonNull("startTime")) {
                    Duration left = Duration.between(now, Instant.parse(newStatus.path("startTime").asText())
                            .plusSeconds(spec.path("activeDeadlineSeconds").asLong()));
                    left = left.isNegative() ? Duration.ZERO : left;
                    requeue = requeue == null || left.compareTo(requeue) < 0 ? left : requeue;
                }
            }

            // record newly finished pods as uncounted before their finalizers go
            newStatus.put("active", stillActive.size());
            newStatus.put("ready", (int) stillActive.stream().filter(JobController::ready).count());
            newStatus.put("terminating", terminating.size() + (active.size() - stillActive.size()));
            // Indexed Jobs count their completed indexes, as upstream does
            newStatus.put("succeeded", indexed ? succeeded : status.path("succeeded").asInt(0));
            newStatus.put("failed", status.path("failed").asInt(0));
            if (indexed) {
                newStatus.put("completedIndexes", CompletedIndexes.format(completedIndexes));
            }
            if (perIndex) {
                newStatus.put("failedIndexes", CompletedIndexes.format(failedIndexes));
            }
            putUncounted(newStatus, uncountedSucceeded, uncountedFailed);
            newStatus.set("conditions", conditions);
            ObjectNode written = writeStatus(job, newStatus);
            backoffs.put(key, backoff); // only once the failures it counts are recorded, so none counts twice
            if (transition != null) {
                context.events().event(job, EventRecorder.NORMAL, transition, "Job " + transition.toLowerCase());
            }

            // drop finalizers of the pods now recorded, then move them to the counters
            Set<String> counted = new HashSet<>();
            Map<String, ObjectNode> byUid = new HashMap<>();
            owned.forEach(p -> byUid.put(uidOf(p), p));
            for (String uid : union(uncountedSucceeded, uncountedFailed)) {
                ObjectNode pod = byUid.get(uid);
                if (pod == null || !hasFinalizer(pod) || finalizerRemoved.contains(uid) || removeFinalizer(pod)) {
                    counted.add(uid);
                }
            }
            release.forEach(JobController.this::removeFinalizer);
            int movedSucceeded = 0;
            int movedFailed = 0;
            for (String uid : counted) {
                if (uncountedSucceeded.remove(uid)) {
                    movedSucceeded++;
                } else if (uncountedFailed.remove(uid)) {
                    movedFailed++;
                }
            }
            ObjectNode finalStatus = written.path("status").deepCopy();
            if (!indexed) {
                finalStatus.put("succeeded", finalStatus.path("succeeded").asInt(0) + movedSucceeded);
            }
            finalStatus.put("failed", finalStatus.path("failed").asInt(0) + movedFailed);
            putUncounted(finalStatus, uncountedSucceeded, uncountedFailed);
            boolean podsGone = stillActive.isEmpty() && finalStatus.path("terminating").asInt(0) == 0
                    && uncountedSucceeded.isEmpty() && uncountedFailed.isEmpty();
            ArrayNode finalConditions = (ArrayNode) finalStatus.withArray("conditions");
            String event = null;
            if (ending && podsGone) {
                if (successMet != null) {
                    setCondition(finalConditions, new Condition("Complete", successMet.path("reason").asText(),
                            successMet.path("message").asText()), "True");
                    finalStatus.put("completionTime", timestamp(now));
                    event = "Completed";
                } else {
                    setCondition(finalConditions, new Condition("Failed", target.path("reason").asText(),
                            target.path("message").asText()), "True");
                    event = target.path("reason").asText();
                }
            }
            writeStatus(written, finalStatus);
            if ("Completed".equals(event)) {
                context.events().event(job, EventRecorder.NORMAL, "Completed", "Job completed");
            } else if (event != null) {
                context.events().event(job, EventRecorder.WARNING, event, target.path("message").asText());
            }
            if (!uncountedSucceeded.isEmpty() || !uncountedFailed.isEmpty()) {
                throw new IllegalStateException("finalizers of " + (uncountedSucceeded.size()
                        + uncountedFailed.size()) + " finished pods not removed yet");
            }
            return requeue == null ? ReconcileResult.DONE : ReconcileResult.after(requeue.plusMillis(100));
        }

        /**
         * The pods this Job controls, after adopting orphans its selector matches (they get the controller
         * reference and the tracking finalizer) and releasing its pods the selector no longer matches, as upstream's
         * ControllerRefManager does. Only Jobs with {@code manualSelector} can have either: a generated selector
         * names the Job's uid.
         */
        private List<ObjectNode> ownedPods(boolean claim) {
            String uid = uidOf(job);
            LabelSelectorMatch selector = LabelSelectorMatch.of(spec.path("selector"));
            boolean deleting = job.path("metadata").has("deletionTimestamp");
            List<ObjectNode> owned = new ArrayList<>();
            Boolean canAdopt = null;
            for (ObjectNode pod : pods.lister().list(namespaceOf(job))) {
                JsonNode ref = ControllerRefs.of(pod);
                boolean matches = selector.matches(pod.path("metadata").path("labels"));
                if (ref != null) {
                    if (!ref.path("uid").asText().equals(uid)) {
                        continue;
                    }
                    if (matches || deleting || !claim) {
                        owned.add(pod);
                    } else {
                        release(pod);
                    }
                } else if (claim && matches && !deleting && !pod.path("metadata").has("deletionTimestamp")) {
                    if (canAdopt == null) {
                        // a Job being deleted must not take pods: ask the server, not the cache
                        canAdopt = client.resource(JOBS).inNamespace(namespaceOf(job)).find(nameOf(job))
                                .filter(live -> uidOf(live).equals(uid))
                                .filter(live -> !live.path("metadata").has("deletionTimestamp")).isPresent();
                    }
                    if (canAdopt) {
                        adopt(pod).ifPresent(owned::add);
                    }
                }
            }
            return owned;
        }

        /**
         * A strategic merge patch, as upstream's ControllerRefManager sends: the reference and the finalizer are
         * merged into the pod as it is on the server, so a kubelet writing its status meanwhile does not make the
         * adoption fail (and the Job create a pod of its own); the pod's uid in the patch keeps it to this pod.
         */
        private Optional<ObjectNode> adopt(ObjectNode cached) {
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            ObjectNode meta = patch.putObject("metadata");
            meta.put("uid", uidOf(cached));
            meta.putArray("ownerReferences").add(ControllerRefs.to("batch/v1", "Job", job));
            if (!hasFinalizer(cached)) {
                meta.putArray("finalizers").add(TRACKING_FINALIZER);
            }
            try {
                return Optional.of(client.resource(PODS).inNamespace(namespaceOf(cached)).patch(nameOf(cached),
                        PatchTypes.STRATEGIC_MERGE_PATCH, patch));
            } catch (ResourceException e) {
                if (e.isNotFound() || e.isConflict()) {
                    return Optional.empty(); // changed meanwhile: the next pass decides again
                }
                throw e;
            }
        }

        /** Drops this Job's controller reference and the tracking finalizer from a pod it no longer selects. */
        private void release(ObjectNode cached) {
            ObjectNode pod = cached.deepCopy();
            ObjectNode meta = (ObjectNode) pod.get("metadata");
            ArrayNode refs = (ArrayNode) meta.path("ownerReferences");
            for (int i = refs.size() - 1; i >= 0; i--) {
                if (refs.get(i).path("uid").asText().equals(uidOf(job))) {
                    refs.remove(i);
                }
            }
            ArrayNode finalizers = meta.path("finalizers").isArray() ? (ArrayNode) meta.get("finalizers") : null;
            for (int i = finalizers == null ? -1 : finalizers.size() - 1; i >= 0; i--) {
                if (finalizers.get(i).asText().equals(TRACKING_FINALIZER)) {
                    finalizers.remove(i);
                }
            }
            try {
                client.resource(PODS).inNamespace(namespaceOf(pod)).update(pod);
            } catch (ResourceException e) {
                if (!e.isNotFound() && !e.isConflict()) {
                    throw e;
                }
            }
        }

        private boolean pastBackoffLimitOnFailure(List<ObjectNode> active) {
            if (!spec.path("template").path("spec").path("restartPolicy").asText().equals("OnFailure")) {
                return false;
            }
            int restarts = 0;
            for (ObjectNode pod : active) {
                for (String statuses : new String[] {"initContainerStatuses", "containerStatuses"}) {
                    for (JsonNode s : pod.path("status").path(statuses)) {
                        restarts += s.path("restartCount").asInt(0);
                    }
                }
            }
            int limit = spec.path("backoffLimit").asInt(6);
            return limit == 0 ? restarts > 0 : restarts >= limit;
        }

        private boolean pastActiveDeadline(JsonNode status, boolean suspended) {
            if (suspended || !spec.hasNonNull("activeDeadlineSeconds") || !status.hasNonNull("startTime")) {
                return false;
            }
            Instant start = Instant.parse(status.path("startTime").asText());
            return !now.isBefore(start.plusSeconds(spec.path("activeDeadlineSeconds").asLong()));
        }

        private boolean complete(int succeeded, TreeSet<Integer> completedIndexes, List<ObjectNode> active) {
            if (indexed) {
                return completedIndexes.size() >= completions;
            }
            if (!hasCompletions) {
                return succeeded > 0 && active.isEmpty(); // a work queue: done once one succeeded and all ended
            }
            return succeeded >= completions;
        }

        /**
         * Creates and deletes pods towards the wanted number of active ones; returns the pods that stay active.
         *
         * @param wait the backoff still to wait before failed pods are replaced; null when none
         */
        private List<ObjectNode> manage(List<ObjectNode> active, int succeeded, TreeSet<Integer> completedIndexes,
                List<ObjectNode> terminating, Duration wait) {
            int parallelism = spec.path("parallelism").asInt(1);
            if (indexed) {
                return manageIndexed(active, completedIndexes, parallelism, terminating, wait);
            }
            int want;
            if (!hasCompletions) {
                want = succeeded > 0 ? active.size() : parallelism;
            } else {
                want = Math.max(0, Math.min(completions - succeeded, parallelism));
            }
            if (active.size() > want) {
                List<ObjectNode> victims = new ArrayList<>(active);
                victims.sort(DELETION_ORDER);
                List<ObjectNode> kept = new ArrayList<>(active);
                kept.removeAll(deletePodsReturningDeleted(victims.subList(0, active.size() - want), true));
                return kept;
            }
            int toCreate = want - active.size();
            if (onlyReplaceFailed) {
                toCreate -= terminating.size(); // replacements wait until the old pods have failed
            }
            if (toCreate > 0 && wait == null) {
                List<Integer> noIndexes = new ArrayList<>();
                for (int i = 0; i < Math.min(toCreate, BURST); i++) {
                    noIndexes.add(-1);
                }
                createPods(noIndexes);
            }
            return active;
        }

        private List<ObjectNode> manageIndexed(List<ObjectNode> active, TreeSet<Integer> completedIndexes,
                int parallelism, List<ObjectNode> terminating, Duration wait) {
            List<ObjectNode> surplus = new ArrayList<>();
            List<ObjectNode> ofFailedIndexes = new ArrayList<>();
            Map<Integer, ObjectNode> byIndex = new HashMap<>();
            for (ObjectNode pod : active) {
                int index = indexOf(pod);
                if (failedIndexes.contains(index)) {
                    ofFailedIndexes.add(pod);
                } else if (index < 0 || index >= completions || completedIndexes.contains(index)
                        || byIndex.putIfAbsent(index, pod) != null) {
                    surplus.add(pod); // no index, a completed one, or a second pod for one index
                }
            }
            List<ObjectNode> kept = new ArrayList<>(active);
            kept.removeAll(surplus);
            kept.removeAll(deletePodsReturningDeleted(ofFailedIndexes, false)); // they count as failed
            if (kept.size() > parallelism) {
                kept.sort(Comparator.comparingInt(JobController::indexOf).reversed());
                surplus.addAll(kept.subList(0, kept.size() - parallelism));
                kept = new ArrayList<>(kept.subList(kept.size() - parallelism, kept.size()));
            }
            if (!surplus.isEmpty()) {
                kept.addAll(surplus);
                kept.removeAll(deletePodsReturningDeleted(surplus, true));
                return kept;
            }
            Set<Integer> busy = new HashSet<>(byIndex.keySet());
            if (onlyReplaceFailed) {
                terminating.forEach(p -> busy.add(indexOf(p)));
            }
            List<Integer> toCreate = new ArrayList<>();
            for (int i = 0; i < completions && kept.size() + toCreate.size() < parallelism
                    && toCreate.size() < BURST; i++) {
                if (completedIndexes.contains(i) || busy.contains(i) || failedIndexes.contains(i)) {
                    continue;
                }
                Duration indexBackoff = perIndex ? indexBackoff(i) : Duration.ZERO;
                if (!indexBackoff.isZero()) {
                    indexWait = indexWait == null || indexBackoff.compareTo(indexWait) < 0 ? indexBackoff : indexWait;
                    continue;
                }
                toCreate.add(i);
            }
            if (!toCreate.isEmpty() && wait == null) {
                createPods(toCreate);
            }
            return kept;
        }

        /** The counted failures of pods of {@code index} (ignored ones are not), from the failed pods' records. */
        private List<ObjectNode> failedPodsOf(int index) {
            return ownedAll.stream().filter(p -> indexOf(p) == index)
                    .filter(p -> p.path("status").path("phase").asText("").equals("Failed"))
                    .filter(p -> {
                        PodFailurePolicy.Match m = failurePolicy.isObject()
                                ? PodFailurePolicy.match(failurePolicy, p) : null;
                        return m == null || !m.action().equals(PodFailurePolicy.IGNORE);
                    }).toList();
        }

        /** How often {@code index} has failed: one more than the count its last failed pod carried. */
        private int indexFailures(int index) {
            return failedPodsOf(index).stream().mapToInt(p -> failureCount(p) + 1).max().orElse(0);
        }

        /** What is left of {@code index}'s own backoff: base doubling per failure, from its last failure. */
        private Duration indexBackoff(int index) {
            List<ObjectNode> failedPods = failedPodsOf(index);
            if (failedPods.isEmpty()) {
                return Duration.ZERO;
            }
            Instant last = failedPods.stream().map(JobController.this::finishTime).max(Comparator.naturalOrder())
                    .orElseThrow();
            return new Backoff(indexFailures(index), last).remaining(now, backoffBase, backoffMax);
        }

        /** Deletes all {@code active} pods; returns those still there. */
        private List<ObjectNode> deletePods(List<ObjectNode> active, boolean uncounted) {
            List<ObjectNode> kept = new ArrayList<>(active);
            kept.removeAll(deletePodsReturningDeleted(active, uncounted));
            return kept;
        }

        /**
         * Deletes {@code victims}; returns those deleted (or already gone).
         *
         * @param uncounted drop the tracking finalizer first, so the pods are not counted as failed (upstream does
         *        this for pods it removes because of suspension or surplus, not for those of a failing Job)
         */
        private List<ObjectNode> deletePodsReturningDeleted(List<ObjectNode> victims, boolean uncounted) {
            List<ObjectNode> gone = new ArrayList<>();
            if (victims.isEmpty()) {
                return gone;
            }
            expectations.expect(key, 0, victims.size());
            for (ObjectNode pod : victims) {
                if (uncounted && hasFinalizer(pod) && !removeFinalizer(pod)) {
                    expectations.deletionObserved(key);
                    continue;
                }
                try {
                    client.resource(PODS).inNamespace(namespaceOf(pod)).delete(nameOf(pod),
                            DeleteOptions.NONE.withPreconditionUid(uidOf(pod)));
                    context.events().event(job, EventRecorder.NORMAL, "SuccessfulDelete",
                            "Deleted pod: " + nameOf(pod));
                    gone.add(pod);
                } catch (ResourceException e) {
                    expectations.deletionObserved(key);
                    if (e.isNotFound()) {
                        gone.add(pod);
                    } else {
                        context.events().event(job, EventRecorder.WARNING, "FailedDelete",
                                "Error deleting: " + e.getMessage());
                    }
                }
            }
            return gone;
        }

        /** Creates a pod per entry of {@code indexes} (-1: no index) in slow-start batches of 1, 2, 4, .... */
        private void createPods(List<Integer> indexes) {
            expectations.expect(key, indexes.size(), 0);
            int created = 0;
            ResourceException failure = null;
            for (int batch = 1; created < indexes.size() && failure == null; batch *= 2) {
                int end = Math.min(created + batch, indexes.size());
                for (; created < end; created++) {
                    try {
                        ObjectNode pod = client.resource(PODS).inNamespace(namespaceOf(job))
                                .create(podFor(indexes.get(created)));
                        context.events().event(job, EventRecorder.NORMAL, "SuccessfulCreate",
                                "Created pod: " + nameOf(pod));
                    } catch (ResourceException e) {
                        failure = e;
                        context.events().event(job, EventRecorder.WARNING, "FailedCreate",
                                "Error creating: " + e.getMessage());
                        break;
                    }
                }
            }
            for (int skipped = indexes.size() - created; skipped > 0; skipped--) {
                expectations.creationObserved(key); // never coming
            }
            if (failure != null) {
                throw failure;
            }
        }

        private ObjectNode podFor(int index) {
            JsonNode template = spec.path("template");
            ObjectNode pod = JsonNodeFactory.instance.objectNode();
            pod.put("apiVersion", "v1");
            pod.put("kind", "Pod");
            ObjectNode meta = pod.putObject("metadata");
            String jobName = nameOf(job);
            meta.put("generateName", index < 0 ? jobName + "-" : jobName + "-" + index + "-");
            ObjectNode labels = template.path("metadata").path("labels").isObject()
                    ? ((ObjectNode) template.path("metadata").path("labels")).deepCopy() : meta.objectNode();
            ObjectNode annotations = template.path("metadata").path("annotations").isObject()
                    ? ((ObjectNode) template.path("metadata").path("annotations")).deepCopy() : meta.objectNode();
            ObjectNode podSpec = template.path("spec").deepCopy();
            if (index >= 0) {
                annotations.put(COMPLETION_INDEX, Integer.toString(index));
                if (perIndex) {
                    annotations.put(INDEX_FAILURE_COUNT, Integer.toString(indexFailures(index)));
                }
                labels.put(COMPLETION_INDEX, Integer.toString(index));
                if (!podSpec.hasNonNull("hostname")) {
                    podSpec.put("hostname", jobName + "-" + index);
                }
                for (String containers : new String[] {"initContainers", "containers"}) {
                    for (JsonNode c : podSpec.path(containers)) {
                        ArrayNode env = ((ObjectNode) c).withArray("env");
                        ObjectNode var = env.addObject();
                        var.put("name", "JOB_COMPLETION_INDEX");
                        var.putObject("valueFrom").putObject("fieldRef").put("fieldPath",
                                "metadata.annotations['" + COMPLETION_INDEX + "']");
                    }
                }
            }
            if (!labels.isEmpty()) {
                meta.set("labels", labels);
            }
            if (!annotations.isEmpty()) {
                meta.set("annotations", annotations);
            }
            meta.putArray("finalizers").add(TRACKING_FINALIZER);
            meta.putArray("ownerReferences").add(ControllerRefs.to("batch/v1", "Job", job));
            pod.set("spec", podSpec);
            return pod;
        }
    }

    /** A condition to set: type, reason, message. */
    private record Condition(String type, String reason, String message) {
    }

    private ObjectNode condition(ArrayNode conditions, String type) {
        for (JsonNode c : conditions) {
            if (c.path("type").asText().equals(type) && c.path("status").asText().equals("True")) {
                return (ObjectNode) c;
            }
        }
        return null;
    }

    private static boolean isTrue(JsonNode conditions, String type) {
        for (JsonNode c : conditions) {
            if (c.path("type").asText().equals(type) && c.path("status").asText().equals("True")) {
                return true;
            }
        }
        return false;
    }

    /** Sets a condition, keeping its transition time when its status does not change. */
    private void setCondition(ArrayNode conditions, Condition condition, String status) {
        String now = timestamp(clock.instant());
        for (JsonNode c : conditions) {
            if (c.path("type").asText().equals(condition.type())) {
                ObjectNode existing = (ObjectNode) c;
                if (!existing.path("status").asText().equals(status)) {
                    existing.put("lastTransitionTime", now);
                }
                existing.put("status", status);
                existing.put("lastProbeTime", now);
                existing.put("reason", condition.reason());
                existing.put("message", condition.message());
                return;
            }
        }
        ObjectNode c = conditions.addObject();
        c.put("type", condition.type());
        c.put("status", status);
        c.put("lastProbeTime", now);
        c.put("lastTransitionTime", now);
        c.put("reason", condition.reason());
        c.put("message", condition.message());
    }

    private static void putUncounted(ObjectNode status, Set<String> succeeded, Set<String> failed) {
        ObjectNode uncounted = status.putObject("uncountedTerminatedPods");
        if (!succeeded.isEmpty()) {
            succeeded.stream().sorted().forEach(uncounted.putArray("succeeded")::add);
        }
        if (!failed.isEmpty()) {
            failed.stream().sorted().forEach(uncounted.putArray("failed")::add);
        }
    }

    /** Writes {@code status} on the Job unless it is what the Job has; returns the Job as stored. */
    private ObjectNode writeStatus(ObjectNode job, ObjectNode status) {
        if (JsonTrees.same(status, job.path("status"))) {
            return job;
        }
        ObjectNode updated = job.deepCopy();
        updated.set("status", status);
        ObjectNode stored = client.resource(JOBS).inNamespace(namespaceOf(job)).updateStatus(updated);
        statusWritten.put(ObjectKeys.of(stored), resourceVersion(stored));
        return stored;
    }

    /** Karst's resourceVersions are datastore revisions, which only grow: comparable within this server. */
    private static long resourceVersion(ObjectNode object) {
        try {
            return Long.parseLong(object.path("metadata").path("resourceVersion").asText("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Removes the tracking finalizer; true when it is gone (or the pod is). */
    private boolean removeFinalizer(ObjectNode cached) {
        ObjectNode pod = cached;
        for (int attempt = 0; attempt < 5; attempt++) {
            ObjectNode edited = pod.deepCopy();
            ArrayNode finalizers = (ArrayNode) edited.path("metadata").path("finalizers");
            if (!finalizers.isArray()) {
                return true;
            }
            for (int i = finalizers.size() - 1; i >= 0; i--) {
                if (finalizers.get(i).asText().equals(TRACKING_FINALIZER)) {
                    finalizers.remove(i);
                }
            }
            try {
                client.resource(PODS).inNamespace(namespaceOf(pod)).update(edited);
                finalizerRemoved.add(uidOf(pod));
                return true;
            } catch (ResourceException e) {
                if (e.isNotFound()) {
                    return true;
                }
                if (!e.isConflict()) {
                    return false;
                }
                Optional<ObjectNode> live = client.resource(PODS).inNamespace(namespaceOf(pod)).find(nameOf(pod));
                if (live.isEmpty() || !uidOf(live.get()).equals(uidOf(cached))) {
                    return true;
                }
                pod = live.get();
                if (!hasFinalizer(pod)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean isFinished(JsonNode job) {
        return isTrue(job.path("status").path("conditions"), "Complete")
                || isTrue(job.path("status").path("conditions"), "Failed");
    }

    static boolean hasFinalizer(ObjectNode pod) {
        for (JsonNode f : pod.path("metadata").path("finalizers")) {
            if (f.asText().equals(TRACKING_FINALIZER)) {
                return true;
            }
        }
        return false;
    }

    /** The {@value #INDEX_FAILURE_COUNT} a pod carries; 0 when none. */
    static int failureCount(ObjectNode pod) {
        try {
            return Integer.parseInt(pod.path("metadata").path("annotations").path(INDEX_FAILURE_COUNT).asText("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static int indexOf(ObjectNode pod) {
        String value = pod.path("metadata").path("annotations").path(COMPLETION_INDEX).asText("");
        if (value.isEmpty()) {
            value = pod.path("metadata").path("labels").path(COMPLETION_INDEX).asText("");
        }
        try {
            return value.isEmpty() ? -1 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean ready(ObjectNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Ready")) {
                return c.path("status").asText().equals("True");
            }
        }
        return false;
    }

    /** When a pod finished: the last container's finish, else its deletion, else now (upstream's order). */
    private Instant finishTime(ObjectNode pod) {
        Instant last = null;
        for (JsonNode s : pod.path("status").path("containerStatuses")) {
            String at = s.path("state").path("terminated").path("finishedAt").asText("");
            if (!at.isEmpty()) {
                Instant t = Instant.parse(at);
                last = last == null || t.isAfter(last) ? t : last;
            }
        }
        if (last != null) {
            return last;
        }
        String deleted = pod.path("metadata").path("deletionTimestamp").asText("");
        return deleted.isEmpty() ? clock.instant() : Instant.parse(deleted);
    }

    /** Pods to delete first: unscheduled, pending, not ready, newest. */
    private static final Comparator<ObjectNode> DELETION_ORDER = Comparator
            .comparing((ObjectNode p) -> !p.path("spec").path("nodeName").asText("").isEmpty())
            .thenComparing(p -> !p.path("status").path("phase").asText("").equals("Pending"))
            .thenComparing(JobController::ready)
            .thenComparing(Comparator.comparing((ObjectNode p) ->
                    p.path("metadata").path("creationTimestamp").asText("")).reversed());

    private static Set<String> texts(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static <T> List<T> union(java.util.Collection<T> a, java.util.Collection<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static String timestamp(Instant instant) {
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
