package io.karst.controllers.resourcequota;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.admission.AdmissionAttributes;
import io.karst.api.admission.AdmissionDeniedException;
import io.karst.api.admission.AdmissionPlugin;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;

/**
 * Upstream's ResourceQuota admission for creates: each quota of the namespace that tracks what the new object uses
 * must have its usage counted already (else "status unknown"), a pod must state the compute resources a quota
 * tracks ("must specify"), and the usage after the create must stay within {@code status.hard} (else "exceeded
 * quota" with the requested, used and limited amounts); then every such quota is charged, under its
 * resourceVersion, so that two creates cannot both take the last unit. Dry runs are checked, not charged.
 */
@Component(service = AdmissionPlugin.class, property = AdmissionPlugin.NAME + "=ResourceQuota")
public final class ResourceQuotaAdmission implements AdmissionPlugin {
    static final ResourceKey QUOTAS = new ResourceKey("", "v1", "resourcequotas");
    private static final int RETRIES = 10;

    private final ResourceClient client;

    @Activate
    public ResourceQuotaAdmission(@Reference(target = "(karst.client=local)") ResourceClient client) {
        this.client = client;
    }

    @Override
    public void admit(AdmissionAttributes attributes) {
        if (attributes.operation() != AdmissionAttributes.Operation.CREATE || attributes.namespace() == null
                || attributes.subresource() != null) {
            return;
        }
        Map<String, BigDecimal> usage = QuotaUsage.of(attributes.resource(), attributes.object());
        if (usage.isEmpty()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            List<ObjectNode> quotas = client.resource(QUOTAS).inNamespace(attributes.namespace()).list().items();
            List<ObjectNode> charged = new ArrayList<>();
            for (ObjectNode quota : quotas) {
                ObjectNode updated = check(quota, attributes, usage);
                if (updated != null) {
                    charged.add(updated);
                }
            }
            if (attributes.dryRun() || charged.isEmpty()) {
                return;
            }
            try {
                for (ObjectNode quota : charged) {
                    client.resource(QUOTAS).inNamespace(attributes.namespace()).updateStatus(quota);
                }
                return;
            } catch (ResourceException e) {
                // another create charged a quota first: count again on the newer usage
                if (!e.isConflict() || attempt >= RETRIES) {
                    throw new AdmissionDeniedException("quota usage kept changing, try again: " + e.getMessage());
                }
            }
        }
    }

    /** The quota with this create's usage added, or null when the quota does not track it; throws if refused. */
    private static ObjectNode check(ObjectNode quota, AdmissionAttributes attributes, Map<String, BigDecimal> usage) {
        JsonNode hard = quota.path("spec").path("hard");
        if (!QuotaScopes.match(quota, attributes.resource(), attributes.object())) {
            return null;
        }
        List<String> tracked = new ArrayList<>();
        hard.fieldNames().forEachRemaining(name -> {
            if (usage.containsKey(name) || (isPods(attributes.resource()) && QuotaUsage.MUST_SPECIFY.contains(name))) {
                tracked.add(name);
            }
        });
        if (tracked.isEmpty()) {
            return null;
        }
        String name = quota.path("metadata").path("name").asText();
        if (isPods(attributes.resource())) {
            String missing = missingCompute(attributes.object(), tracked);
            if (missing != null) {
                throw new AdmissionDeniedException("failed quota: " + name + ": must specify " + missing);
            }
        }
        JsonNode statusHard = quota.path("status").path("hard");
        JsonNode used = quota.path("status").path("used");
        List<String> unknown = new ArrayList<>();
        for (String r : tracked) {
            if (!statusHard.has(r) || !used.has(r)) {
                unknown.add(r);
            }
        }
        if (!unknown.isEmpty()) {
            unknown.sort(null);
            throw new AdmissionDeniedException("status unknown for quota: " + name + ", resources: "
                    + String.join(",", unknown));
        }
        Map<String, String> requested = new TreeMap<>();
        Map<String, String> usedNow = new TreeMap<>();
        Map<String, String> limited = new TreeMap<>();
        ObjectNode updated = quota.deepCopy();
        ObjectNode newUsed = (ObjectNode) updated.path("status").path("used");
        for (String r : tracked) {
            BigDecimal delta = usage.getOrDefault(r, BigDecimal.ZERO);
            BigDecimal current = Quantities.parse(used.get(r));
            BigDecimal limit = Quantities.parse(statusHard.get(r));
            if (current == null || limit == null) {
                continue;
            }
            BigDecimal after = current.add(delta);
            boolean binary = Quantities.binary(statusHard.get(r));
            if (delta.signum() > 0 && after.compareTo(limit) > 0) {
                requested.put(r, Quantities.format(delta, binary));
                usedNow.put(r, used.get(r).asText());
                limited.put(r, statusHard.get(r).asText());
            }
            newUsed.put(r, Quantities.format(after, binary || Quantities.binary(used.get(r))));
        }
        if (!limited.isEmpty()) {
            throw new AdmissionDeniedException("exceeded quota: " + name + ", requested: " + print(requested)
                    + ", used: " + print(usedNow) + ", limited: " + print(limited));
        }
        return updated;
    }

    /** Upstream's "must specify" list: per quota resource, the containers that do not state it. */
    private static String missingCompute(ObjectNode pod, List<String> tracked) {
        Map<String, TreeSet<String>> missing = new TreeMap<>();
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode c : pod.path("spec").path(list)) {
                for (String r : tracked) {
                    if (!QuotaUsage.MUST_SPECIFY.contains(r)) {
                        continue;
                    }
                    String field = r.startsWith("limits.") ? "limits" : "requests";
                    String resource = r.contains(".") ? r.substring(r.indexOf('.') + 1) : r;
                    if (!c.path("resources").path(field).has(resource)) {
                        missing.computeIfAbsent(r, k -> new TreeSet<>()).add(c.path("name").asText());
                    }
                }
            }
        }
        if (missing.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        missing.forEach((r, containers) -> parts.add(r + " for: " + String.join(",", containers)));
        return String.join("; ", parts);
    }

    private static String print(Map<String, String> resources) {
        List<String> parts = new ArrayList<>();
        resources.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(",", parts);
    }

    private static boolean isPods(ResourceKey resource) {
        return resource.group().isEmpty() && resource.resource().equals("pods");
    }
}
