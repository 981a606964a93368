package io.karst.controllers.disruption;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The arithmetic of a PodDisruptionBudget, as upstream's disruption controller does it: how many pods are expected,
 * how many must stay healthy, and so how many may be disrupted now.
 */
final class DisruptionBudget {
    private DisruptionBudget() {
    }

    /** What the budget requires of the pods it selects. */
    record Requirement(int expectedPods, int desiredHealthy) {
    }

    /**
     * @param selectedPods how many pods the budget selects
     * @param controllerScale the summed replicas of those pods' controllers; only read for percentages and
     *        maxUnavailable, as upstream
     */
    static Requirement of(JsonNode spec, int selectedPods, java.util.function.IntSupplier controllerScale) {
        JsonNode minAvailable = spec.get("minAvailable");
        JsonNode maxUnavailable = spec.get("maxUnavailable");
        if (maxUnavailable != null && !maxUnavailable.isNull()) {
            int expected = controllerScale.getAsInt();
            int unavailable = scaled(maxUnavailable, expected, true);
            return new Requirement(expected, Math.max(0, expected - unavailable));
        }
        if (minAvailable != null && !minAvailable.isNull()) {
            if (minAvailable.isIntegralNumber()) {
                return new Requirement(selectedPods, minAvailable.asInt());
            }
            int expected = controllerScale.getAsInt();
            return new Requirement(expected, scaled(minAvailable, expected, true));
        }
        // neither: upstream defaults minAvailable to 1
        return new Requirement(selectedPods, 1);
    }

    /** An int-or-string: the number, or the percentage of {@code total}, rounded up as upstream. */
    static int scaled(JsonNode value, int total, boolean roundUp) {
        if (value.isIntegralNumber()) {
            return value.asInt();
        }
        String text = value.asText().trim();
        if (!text.endsWith("%")) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid value for IntOrString: " + text);
            }
        }
        int percent;
        try {
            percent = Integer.parseInt(text.substring(0, text.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid value for IntOrString: invalid value \"" + text + "\"");
        }
        long product = (long) percent * total;
        return (int) (roundUp ? (product + 99) / 100 : product / 100);
    }

    /** Upstream: none may be disrupted when no pods are expected or too few are healthy. */
    static int disruptionsAllowed(Requirement requirement, int currentHealthy) {
        int allowed = currentHealthy - requirement.desiredHealthy();
        return requirement.expectedPods() <= 0 || allowed <= 0 ? 0 : allowed;
    }
}
