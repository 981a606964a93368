package io.karst.scheduler;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Resource quantities and a pod's effective requests, in the units of {@link io.karst.api.scheduler.PodInfo}. */
public final class Resources {
    public static final String CPU = "cpu";
    public static final String MEMORY = "memory";
    public static final String PODS = "pods";

    private Resources() {
    }

    /** A quantity ({@code 500m}, {@code 2}, {@code 1Gi}, {@code 1e3}) in millicores for cpu, base units otherwise. */
    public static long parse(String resource, String quantity) {
        BigDecimal value = parse(quantity.trim());
        if (resource.equals(CPU)) {
            value = value.multiply(BigDecimal.valueOf(1000));
        }
        // a fraction of a base unit counts as a whole one, as resource.Quantity.Value() and MilliValue() round up
        return value.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    static BigDecimal parse(String q) {
        String[][] binary = {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"Ti", "1099511627776"},
            {"Pi", "1125899906842624"}, {"Ei", "1152921504606846976"}};
        for (String[] s : binary) {
            if (q.endsWith(s[0])) {
                return new BigDecimal(q.substring(0, q.length() - 2)).multiply(new BigDecimal(s[1]));
            }
        }
        String decimal = "num kMGTPE";
        char last = q.isEmpty() ? ' ' : q.charAt(q.length() - 1);
        int at = Character.isLetter(last) ? decimal.indexOf(last) : -1;
        if (at >= 0 && at != 3) {
            int exponent = at <= 2 ? -9 + 3 * at : 3 * (at - 3);
            return new BigDecimal(q.substring(0, q.length() - 1)).scaleByPowerOfTen(exponent);
        }
        return new BigDecimal(q); // plain numbers and exponents such as 1e3
    }

    /** A resource list ({@code requests}, {@code allocatable}, {@code overhead}) in scheduler units. */
    public static Map<String, Long> of(JsonNode list) {
        Map<String, Long> out = new HashMap<>();
        list.fields().forEachRemaining(e -> out.put(e.getKey(), parse(e.getKey(), e.getValue().asText())));
        return out;
    }

    /**
     * What a pod requests, as upstream's {@code resource.PodRequests}: per resource the larger of the sum over the
     * regular containers (and restartable init containers, which keep running) and the largest of the other init
     * containers while they run, plus the pod overhead.
     */
    public static Map<String, Long> podRequests(JsonNode pod) {
        JsonNode spec = pod.path("spec");
        Map<String, Long> sum = new HashMap<>();
        for (JsonNode c : spec.path("containers")) {
            of(c.path("resources").path("requests")).forEach((k, v) -> sum.merge(k, v, Long::sum));
        }
        Map<String, Long> initMax = new HashMap<>();
        Map<String, Long> sidecars = new HashMap<>();
        for (JsonNode c : spec.path("initContainers")) {
            Map<String, Long> r = of(c.path("resources").path("requests"));
            if (c.path("restartPolicy").asText("").equals("Always")) {
                r.forEach((k, v) -> sum.merge(k, v, Long::sum));
                r.forEach((k, v) -> sidecars.merge(k, v, Long::sum));
            } else {
                // an init container runs beside the sidecars started before it
                Map<String, Long> running = new HashMap<>(sidecars);
                r.forEach((k, v) -> running.merge(k, v, Long::sum));
                running.forEach((k, v) -> initMax.merge(k, v, Math::max));
            }
        }
        initMax.forEach((k, v) -> sum.merge(k, v, Math::max));
        of(spec.path("overhead")).forEach((k, v) -> sum.merge(k, v, Long::sum));
        return sum;
    }
}
