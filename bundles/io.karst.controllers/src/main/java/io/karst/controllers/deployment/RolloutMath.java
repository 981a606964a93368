package io.karst.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;

/** upstream's rolling-update arithmetic (deployment/util): surge and unavailability budgets. */
final class RolloutMath {
    private RolloutMath() {
    }

    /**
     * An IntOrString of a replica count: an integer as it is, a percentage of {@code total} rounded up or down.
     *
     * @throws IllegalArgumentException for a string that is not a percentage
     */
    static int resolve(JsonNode value, int total, boolean roundUp, int absent) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return absent;
        }
        if (value.isIntegralNumber()) {
            return value.asInt();
        }
        String text = value.asText();
        if (!text.endsWith("%")) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid value for IntOrString: invalid value \"" + text + "\"");
            }
        }
        double percent = Double.parseDouble(text.substring(0, text.length() - 1));
        double scaled = percent * total / 100.0;
        return (int) (roundUp ? Math.ceil(scaled) : Math.floor(scaled));
    }

    /** maxSurge and maxUnavailable of a rolling update; both 0 would stall, so unavailability becomes 1. */
    record Budget(int maxSurge, int maxUnavailable) {
        static Budget of(JsonNode rollingUpdate, int replicas) {
            int surge = resolve(rollingUpdate.get("maxSurge"), replicas, true, (int) Math.ceil(replicas * 0.25));
            int unavailable = resolve(rollingUpdate.get("maxUnavailable"), replicas, false, replicas / 4);
            if (surge == 0 && unavailable == 0) {
                unavailable = 1;
            }
            return new Budget(surge, unavailable);
        }
    }

    /** How many replicas the new ReplicaSet may have now: up to the surge, never more than wanted. */
    static int newReplicaSetReplicas(int wanted, Budget budget, int allReplicas, int newReplicas) {
        int maxTotal = wanted + budget.maxSurge();
        if (allReplicas >= maxTotal) {
            return newReplicas;
        }
        int scaleUp = Math.min(maxTotal - allReplicas, wanted - newReplicas);
        return newReplicas + Math.max(0, scaleUp);
    }
}
