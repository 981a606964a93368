package io.karst.controllers.resourcequota;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ApiResource;
import io.karst.api.client.Informer;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.ObjectKeys;
import io.karst.api.controller.ReconcileResult;

/**
 * kube-controller-manager's resource quota controller: each ResourceQuota's {@code status.hard} follows its spec
 * and {@code status.used} is recounted from the objects of its namespace (those its scopes cover) when the quota
 * changes, when a counted object goes or a pod finishes (replenishment), and every five minutes (upstream's
 * resync), so that what the admission step charged for creates that were then refused by storage is given back.
 */
@Component(service = Controller.class, property = Controller.NAME + "=resourcequota")
public final class ResourceQuotaController implements Controller {
    static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    private static final Duration RESYNC = Duration.ofMinutes(5);
    private static final List<ResourceKey> REPLENISHED = List.of(PODS, new ResourceKey("", "v1", "services"),
            new ResourceKey("", "v1", "persistentvolumeclaims"), new ResourceKey("", "v1", "configmaps"),
            new ResourceKey("", "v1", "secrets"), new ResourceKey("", "v1", "replicationcontrollers"));

    private volatile ResourceClient client;
    private volatile Informer quotas;

    @Override
    public String name() {
        return "resourcequota";
    }

    @Override
    public void start(ControllerContext ctx) {
        client = ctx.client();
        quotas = ctx.informers().informer(ResourceQuotaAdmission.QUOTAS);
        ctx.handle(quotas, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode quota) {
                ctx.queue().add(ObjectKeys.of(quota));
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode quota) {
                if (!old.path("spec").equals(quota.path("spec"))
                        || !quota.path("spec").path("hard").equals(quota.path("status").path("hard"))) {
                    ctx.queue().add(ObjectKeys.of(quota));
                }
            }
        });
        ResourceEventHandler replenish = new ResourceEventHandler() {
            @Override
            public void onUpdate(ObjectNode old, ObjectNode object) {
                // a pod that finishes or starts terminating stops counting
                if (!old.path("status").path("phase").equals(object.path("status").path("phase"))
                        || old.path("metadata").has("deletionTimestamp")
                                != object.path("metadata").has("deletionTimestamp")) {
                    quotasOf(object).forEach(ctx.queue()::add);
                }
            }

            @Override
            public void onDelete(ObjectNode object, boolean finalStateUnknown) {
                quotasOf(object).forEach(ctx.queue()::add);
            }
        };
        for (ResourceKey key : REPLENISHED) {
            ctx.handle(ctx.informers().informer(key), replenish);
        }
    }

    private List<String> quotasOf(ObjectNode object) {
        return quotas.lister().list(object.path("metadata").path("namespace").asText()).stream()
                .map(ObjectKeys::of).toList();
    }

    @Override
    public ReconcileResult reconcile(String key) {
        Optional<ObjectNode> cached = quotas.lister().get(ObjectKeys.namespace(key), ObjectKeys.name(key));
        if (cached.isEmpty() || cached.get().path("metadata").has("deletionTimestamp")) {
            return ReconcileResult.DONE;
        }
        ObjectNode quota = cached.get();
        ObjectNode status = recount(quota);
        if (!status.equals(quota.path("status"))) {
            ObjectNode updated = quota.deepCopy();
            updated.set("status", status);
            try {
                client.resource(ResourceQuotaAdmission.QUOTAS).inNamespace(ObjectKeys.namespace(key))
                        .updateStatus(updated);
            } catch (ResourceException e) {
                if (e.isNotFound()) {
                    return ReconcileResult.DONE;
                }
                throw e; // a conflict with an admission charge: the queue tries again on the newer quota
            }
        }
        return ReconcileResult.after(RESYNC);
    }

    /** The quota's status as the objects of its namespace make it now. */
    ObjectNode recount(ObjectNode quota) {
        String namespace = quota.path("metadata").path("namespace").asText();
        JsonNode hard = quota.path("spec").path("hard");
        Map<String, BigDecimal> used = new HashMap<>();
        for (ResourceKey resource : countedResources(hard)) {
            List<ObjectNode> objects;
            try {
                objects = client.resource(resource).inNamespace(namespace).list().items();
            } catch (ResourceException e) {
                if (e.isNotFound()) {
                    continue; // a resource named by count/ that is not served
                }
                throw e;
            }
            for (ObjectNode object : objects) {
                if (QuotaScopes.match(quota, resource, object)) {
                    QuotaUsage.of(resource, object).forEach((name, amount) -> used.merge(name, amount,
                            BigDecimal::add));
                }
            }
        }
        ObjectNode status = quota.objectNode();
        status.set("hard", hard.deepCopy());
        ObjectNode usedNode = status.putObject("used");
        hard.fields().forEachRemaining(e -> usedNode.put(e.getKey(), Quantities.format(
                used.getOrDefault(e.getKey(), BigDecimal.ZERO), Quantities.binary(e.getValue()))));
        return status;
    }

    /** The namespaced resources whose objects the quota's hard limits count. */
    private Set<ResourceKey> countedResources(JsonNode hard) {
        Set<ResourceKey> resources = new LinkedHashSet<>();
        List<ApiResource> served = null;
        for (var it = hard.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (name.startsWith("count/")) {
                String qualified = name.substring("count/".length());
                int dot = qualified.indexOf('.');
                String plural = dot < 0 ? qualified : qualified.substring(0, dot);
                String group = dot < 0 ? "" : qualified.substring(dot + 1);
                if (served == null) {
                    served = client.resources();
                }
                served.stream().filter(r -> r.group().equals(group) && r.resource().equals(plural)
                        && r.preferred() && r.namespaced()).findFirst().ifPresent(r -> resources.add(r.key()));
            } else if (name.equals("pods") || name.startsWith("requests.") && !name.equals("requests.storage")
                    || name.startsWith("limits.") || name.equals("cpu") || name.equals("memory")
                    || name.equals("ephemeral-storage")) {
                resources.add(PODS);
            } else if (name.startsWith("services")) {
                resources.add(new ResourceKey("", "v1", "services"));
            } else if (name.equals("persistentvolumeclaims") || name.equals("requests.storage")
                    || name.contains(".storageclass.storage.k8s.io/")) {
                resources.add(new ResourceKey("", "v1", "persistentvolumeclaims"));
            } else if (List.of("configmaps", "secrets", "replicationcontrollers", "resourcequotas").contains(name)) {
                resources.add(new ResourceKey("", "v1", name));
            }
        }
        return resources;
    }
}
