package io.karst.apiserver.defaults;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Json;

/**
 * The defaulters of the built-in resources, by API group and plural resource name, as upstream applies them when
 * it decodes a request body (so on create and on update). Unknown resources get {@link Defaulter#NONE}.
 */
public final class Defaulters {
    private static final Map<String, Defaulter> BUILT_IN = new HashMap<>();

    static {
        put("", "pods", new PodDefaults());
        put("", "services", new ServiceDefaults());
        put("", "secrets", CoreDefaults::secret);
        put("", "namespaces", CoreDefaults::namespace);
        put("", "persistentvolumeclaims", CoreDefaults::persistentVolumeClaim);
        put("", "persistentvolumes", CoreDefaults::persistentVolume);
        put("", "endpoints", CoreDefaults::endpoints);
        put("", "nodes", CoreDefaults::node);
        put("", "limitranges", CoreDefaults::limitRange);
        put("", "resourcequotas", CoreDefaults::resourceQuota);
        put("", "replicationcontrollers", WorkloadDefaults::replicationController);
        put("", "podtemplates", t -> PodSpecDefaults.applyToTemplate(Json.obj(t, "template")));
        put("apps", "deployments", WorkloadDefaults::deployment);
        put("apps", "replicasets", WorkloadDefaults::replicaSet);
        put("apps", "statefulsets", WorkloadDefaults::statefulSet);
        put("apps", "daemonsets", WorkloadDefaults::daemonSet);
        put("batch", "jobs", BatchDefaults::job);
        put("batch", "cronjobs", BatchDefaults::cronJob);
        put("networking.k8s.io", "networkpolicies", OtherDefaults::networkPolicy);
        put("networking.k8s.io", "ingressclasses", OtherDefaults::ingressClass);
        put("rbac.authorization.k8s.io", "rolebindings", OtherDefaults::binding);
        put("rbac.authorization.k8s.io", "clusterrolebindings", OtherDefaults::binding);
        put("storage.k8s.io", "storageclasses", OtherDefaults::storageClass);
        put("storage.k8s.io", "csidrivers", OtherDefaults::csiDriver);
        put("scheduling.k8s.io", "priorityclasses", OtherDefaults::priorityClass);
        put("discovery.k8s.io", "endpointslices", OtherDefaults::endpointSlice);
        put("autoscaling", "horizontalpodautoscalers", OtherDefaults::hpaV2);
        put("apiextensions.k8s.io", "customresourcedefinitions", CustomResourceDefinitionDefaults::apply);
        put("admissionregistration.k8s.io", "mutatingwebhookconfigurations", c -> OtherDefaults.webhooks(c, true));
        put("admissionregistration.k8s.io", "validatingwebhookconfigurations", c -> OtherDefaults.webhooks(c, false));
    }

    private Defaulters() {
    }

    private static void put(String group, String resource, Defaulter d) {
        BUILT_IN.put(group + "/" + resource, d);
    }

    /** The defaulter of a resource at its preferred (storage) version. */
    public static Defaulter forResource(String group, String resource) {
        return BUILT_IN.getOrDefault(group + "/" + resource, Defaulter.NONE);
    }

    /** Version-aware variant: autoscaling/v1 HPAs default differently from v2. */
    public static Defaulter forResource(String group, String version, String resource) {
        if (group.equals("autoscaling") && resource.equals("horizontalpodautoscalers") && version.equals("v1")) {
            return OtherDefaults::hpaV1;
        }
        return forResource(group, resource);
    }

    /**
     * The create steps of upstream's REST strategies whose results a client sees: status reset (a Pod starts
     * Pending with its QoS class, a Service with an empty load-balancer status), generation 1 for workloads, the
     * {@code kubernetes} finalizer of a Namespace. Call on create, after defaulting, before validation.
     */
    public static void prepareForCreate(String group, String resource, ObjectNode obj) {
        switch (group + "/" + resource) {
            case "/pods" -> {
                ObjectNode status = obj.putObject("status");
                status.put("phase", "Pending");
                status.put("qosClass", QosClass.of(Json.obj(obj, "spec")));
            }
            case "/services" -> obj.putObject("status").putObject("loadBalancer");
            case "/namespaces" -> {
                ObjectNode spec = Json.objOrCreate(obj, "spec");
                if (!Json.strings(spec, "finalizers").contains("kubernetes")) {
                    (spec.get("finalizers") instanceof com.fasterxml.jackson.databind.node.ArrayNode a ? a
                            : spec.putArray("finalizers")).add("kubernetes");
                }
                obj.putObject("status").put("phase", "Active");
            }
            case "apps/deployments", "apps/replicasets", "apps/statefulsets", "apps/daemonsets", "batch/jobs",
                 "batch/cronjobs", "networking.k8s.io/networkpolicies", "networking.k8s.io/ingresses",
                 "policy/poddisruptionbudgets" -> {
                Json.objOrCreate(obj, "metadata").put("generation", 1);
                obj.putObject("status");
            }
            default -> { }
        }
    }
}
