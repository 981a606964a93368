package io.karst.controllers.podautoscaler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Upstream's normalization of a proposed replica count, per HPA: the recent recommendations stabilize it (with a
 * {@code behavior}, a scale-up and a scale-down window; without one, the 5-minute downscale window), and the limits
 * bound it (with a {@code behavior}, its scaling policies over the scale events of their periods; without one,
 * twice the current count or at least 4). The memory is this controller's, as upstream's, so a restart forgets it.
 */
final class ReplicaNormalizer {
    /** --horizontal-pod-autoscaler-downscale-stabilization. */
    static final Duration DOWNSCALE_STABILIZATION = Duration.ofMinutes(5);

    private record Recommendation(int replicas, Instant at) {
    }

    private record ScaleEvent(int change, Instant at) {
    }

    private final Map<String, List<Recommendation>> recommendations = new ConcurrentHashMap<>();
    private final Map<String, List<ScaleEvent>> scaleUps = new ConcurrentHashMap<>();
    private final Map<String, List<ScaleEvent>> scaleDowns = new ConcurrentHashMap<>();

    /** Forgets an HPA that is gone. */
    void forget(String key) {
        recommendations.remove(key);
        scaleUps.remove(key);
        scaleDowns.remove(key);
    }

    ScalingDecision normalize(String key, JsonNode behavior, int current, int proposed, int min, int max,
            Instant now) {
        if (behavior == null || !behavior.isObject()) {
            return withoutBehavior(key, current, proposed, min, max, now);
        }
        JsonNode up = behavior.path("scaleUp");
        JsonNode down = behavior.path("scaleDown");
        int stabilized = stabilize(key, proposed, current, window(up, Duration.ZERO),
                window(down, DOWNSCALE_STABILIZATION), now);
        String ableReason;
        String ableMessage;
        if (stabilized != proposed) {
            ableReason = proposed >= current ? "ScaleUpStabilized" : "ScaleDownStabilized";
            ableMessage = proposed >= current
                    ? "recent recommendations were lower than current one, applying the lowest recent recommendation"
                    : "recent recommendations were higher than current one, applying the highest recent "
                            + "recommendation";
        } else {
            ableReason = "ReadyForNewScale";
            ableMessage = "recommended size matches current size";
        }
        String reason = "DesiredWithinRange";
        String message = "the desired count is within the acceptable range";
        int desired = stabilized;
        if (stabilized > current) {
            int limit = Math.max(scaleUpLimit(key, current, up, now), current);
            int allowed = max;
            if (allowed > limit) {
                allowed = limit;
                reason = "ScaleUpLimit";
                message = "the desired replica count is increasing faster than the maximum scale rate";
            } else {
                reason = "TooManyReplicas";
                message = "the desired replica count is more than the maximum replica count";
            }
            if (stabilized > allowed) {
                desired = allowed;
            } else {
                reason = "DesiredWithinRange";
                message = "the desired count is within the acceptable range";
            }
        } else if (stabilized < current) {
            int limit = Math.min(scaleDownLimit(key, current, down, now), current);
            int allowed = min;
            if (allowed < limit) {
                allowed = limit;
                reason = "ScaleDownLimit";
                message = "the desired replica count is decreasing faster than the maximum scale rate";
            } else {
                reason = "TooFewReplicas";
                message = "the desired replica count is less than the minimum replica count";
            }
            if (stabilized < allowed) {
                desired = allowed;
            } else {
                reason = "DesiredWithinRange";
                message = "the desired count is within the acceptable range";
            }
        }
        return new ScalingDecision(desired, ableReason, ableMessage, desired != stabilized, reason, message);
    }

    private ScalingDecision withoutBehavior(String key, int current, int proposed, int min, int max, Instant now) {
        int stabilized = highestRecent(key, proposed, now);
        String ableReason = stabilized != proposed ? "ScaleDownStabilized" : "ReadyForNewScale";
        String ableMessage = stabilized != proposed
                ? "recent recommendations were higher than current one, applying the highest recent recommendation"
                : "recommended size matches current size";
        // do not scale up too fast: a bogus usage report must not multiply the replicas
        int scaleUpLimit = (int) Math.max(2.0 * current, 4.0);
        int allowedMax;
        String reason;
        String message;
        if (max > scaleUpLimit) {
            allowedMax = scaleUpLimit;
            reason = "ScaleUpLimit";
            message = "the desired replica count is increasing faster than the maximum scale rate";
        } else {
            allowedMax = max;
            reason = "TooManyReplicas";
            message = "the desired replica count is more than the maximum replica count";
        }
        int desired = stabilized;
        if (stabilized < min) {
            desired = min;
            reason = "TooFewReplicas";
            message = "the desired replica count is less than the minimum replica count";
        } else if (stabilized > allowedMax) {
            desired = allowedMax;
        } else {
            reason = "DesiredWithinRange";
            message = "the desired count is within the acceptable range";
        }
        return new ScalingDecision(desired, ableReason, ableMessage, desired != stabilized, reason, message);
    }

    /** Without a behavior: the highest recommendation of the downscale window, the proposal recorded. */
    private int highestRecent(String key, int proposed, Instant now) {
        Instant cutoff = now.minus(DOWNSCALE_STABILIZATION);
        int highest = proposed;
        List<Recommendation> recs = recommendations.computeIfAbsent(key, k -> new ArrayList<>());
        synchronized (recs) {
            int old = -1;
            for (int i = 0; i < recs.size(); i++) {
                Recommendation r = recs.get(i);
                if (r.at().isBefore(cutoff)) {
                    old = i;
                } else {
                    highest = Math.max(highest, r.replicas());
                }
            }
            if (old >= 0) {
                recs.set(old, new Recommendation(proposed, now));
            } else {
                recs.add(new Recommendation(proposed, now));
            }
        }
        return highest;
    }

    /**
     * The proposal held between the lowest recommendation of the scale-up window and the highest of the
     * scale-down window; the proposal itself is recorded (replacing one older than both windows).
     */
    private int stabilize(String key, int proposed, int current, Duration upWindow, Duration downWindow,
            Instant now) {
        Instant upCutoff = now.minus(upWindow);
        Instant downCutoff = now.minus(downWindow);
        int upRecommendation = proposed;
        int downRecommendation = proposed;
        List<Recommendation> recs = recommendations.computeIfAbsent(key, k -> new ArrayList<>());
        int old = -1;
        synchronized (recs) {
            for (int i = 0; i < recs.size(); i++) {
                Recommendation r = recs.get(i);
                if (r.at().isAfter(upCutoff)) {
                    upRecommendation = Math.min(r.replicas(), upRecommendation);
                }
                if (r.at().isAfter(downCutoff)) {
                    downRecommendation = Math.max(r.replicas(), downRecommendation);
                }
                if (r.at().isBefore(upCutoff) && r.at().isBefore(downCutoff)) {
                    old = i;
                }
            }
            if (old >= 0) {
                recs.set(old, new Recommendation(proposed, now));
            } else {
                recs.add(new Recommendation(proposed, now));
            }
        }
        int recommendation = current;
        if (recommendation < upRecommendation) {
            recommendation = upRecommendation;
        }
        if (recommendation > downRecommendation) {
            recommendation = downRecommendation;
        }
        return recommendation;
    }

    private static Duration window(JsonNode rules, Duration fallback) {
        JsonNode seconds = rules.path("stabilizationWindowSeconds");
        return seconds.canConvertToInt() ? Duration.ofSeconds(seconds.asInt()) : fallback;
    }

    private int scaleUpLimit(String key, int current, JsonNode rules, Instant now) {
        String select = rules.path("selectPolicy").asText("Max");
        if (select.equals("Disabled")) {
            return current;
        }
        boolean min = select.equals("Min");
        int result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        for (JsonNode policy : rules.path("policies")) {
            int start = current - changes(scaleUps.get(key), policy, now) + changes(scaleDowns.get(key), policy, now);
            int value = policy.path("value").asInt();
            int proposed = policy.path("type").asText().equals("Pods") ? start + value
                    : (int) Math.ceil(start * (1 + value / 100.0));
            result = min ? Math.min(result, proposed) : Math.max(result, proposed);
        }
        return result;
    }

    private int scaleDownLimit(String key, int current, JsonNode rules, Instant now) {
        String select = rules.path("selectPolicy").asText("Max");
        if (select.equals("Disabled")) {
            return current;
        }
        // for a scale-down the policy allowing the biggest change is the lowest limit
        boolean minChange = select.equals("Min");
        int result = minChange ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (JsonNode policy : rules.path("policies")) {
            int start = current - changes(scaleUps.get(key), policy, now) + changes(scaleDowns.get(key), policy, now);
            int value = policy.path("value").asInt();
            int proposed = policy.path("type").asText().equals("Pods") ? start - value
                    : (int) (start * (1 - value / 100.0));
            result = minChange ? Math.max(result, proposed) : Math.min(result, proposed);
        }
        return result;
    }

    /** The replicas changed within the policy's period. */
    private static int changes(List<ScaleEvent> events, JsonNode policy, Instant now) {
        if (events == null) {
            return 0;
        }
        Instant cutoff = now.minusSeconds(policy.path("periodSeconds").asLong());
        int sum = 0;
        synchronized (events) {
            for (ScaleEvent e : events) {
                if (e.at().isAfter(cutoff)) {
                    sum += e.change();
                }
            }
        }
        return sum;
    }

    /** Records a rescale for the policies of later syncs (kept as long as the longest period needs it). */
    void recordScale(String key, JsonNode behavior, int from, int to, Instant now) {
        if (behavior == null || !behavior.isObject() || from == to) {
            return;
        }
        boolean up = to > from;
        JsonNode rules = behavior.path(up ? "scaleUp" : "scaleDown");
        long longest = 0;
        for (JsonNode policy : rules.path("policies")) {
            longest = Math.max(longest, policy.path("periodSeconds").asLong());
        }
        Instant cutoff = now.minusSeconds(longest);
        List<ScaleEvent> events = (up ? scaleUps : scaleDowns).computeIfAbsent(key, k -> new ArrayList<>());
        synchronized (events) {
            events.removeIf(e -> !e.at().isAfter(cutoff));
            events.add(new ScaleEvent(Math.abs(to - from), now));
        }
    }
}
