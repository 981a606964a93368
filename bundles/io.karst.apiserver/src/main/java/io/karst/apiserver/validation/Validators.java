package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The validators of the built-in resources, by API group and plural resource name. Each runs the type's own rules
 * and then, like upstream's REST layer, the generic metadata rules every object must pass (names as one URL path
 * segment, labels, annotations, owner references, and on update the immutable metadata fields).
 */
public final class Validators {
    private record Entry(boolean namespaced, Function<ObjectNode, List<FieldError>> create,
            BiFunction<ObjectNode, ObjectNode, List<FieldError>> update) {
    }

    private static final Map<String, Entry> BUILT_IN = new HashMap<>();

    static {
        core("namespaces", false, CoreValidation::namespace, CoreValidation::namespaceUpdate);
        core("pods", true, PodValidation::validateCreate, PodValidation::validateUpdate);
        core("services", true, ServiceValidation::validateCreate, ServiceValidation::validateUpdate);
        core("endpoints", true, CoreValidation::endpoints, CoreValidation::endpointsUpdate);
        core("configmaps", true, CoreValidation::configMap, CoreValidation::configMapUpdate);
        core("secrets", true, CoreValidation::secret, CoreValidation::secretUpdate);
        core("serviceaccounts", true, CoreValidation::serviceAccount, CoreValidation::serviceAccountUpdate);
        core("nodes", false, CoreValidation::node, CoreValidation::nodeUpdate);
        core("events", true, CoreValidation::event, (n, o) -> concat(CoreValidation.metaUpdate(n, o), CoreValidation.event(n)));
        core("persistentvolumeclaims", true, CoreValidation::persistentVolumeClaim,
                CoreValidation::persistentVolumeClaimUpdate);
        core("replicationcontrollers", true, WorkloadValidation::replicationController,
                (n, o) -> concat(CoreValidation.metaUpdate(n, o), WorkloadValidation.replicationController(n)));
        for (String r : List.of("persistentvolumes")) {
            metadataOnly("", r, false, NameRule.DNS_SUBDOMAIN);
        }
        for (String r : List.of("limitranges", "resourcequotas", "podtemplates")) {
            metadataOnly("", r, true, NameRule.DNS_SUBDOMAIN);
        }
        put("apps", "deployments", true, WorkloadValidation::deployment, WorkloadValidation::deploymentUpdate);
        put("apps", "replicasets", true, WorkloadValidation::replicaSet, WorkloadValidation::replicaSetUpdate);
        put("apps", "statefulsets", true, WorkloadValidation::statefulSet, WorkloadValidation::statefulSetUpdate);
        put("apps", "daemonsets", true, WorkloadValidation::daemonSet, WorkloadValidation::daemonSetUpdate);
        metadataOnly("apps", "controllerrevisions", true, NameRule.DNS_SUBDOMAIN);
        put("batch", "jobs", true, BatchValidation::job, BatchValidation::jobUpdate);
        put("batch", "cronjobs", true, BatchValidation::cronJob, BatchValidation::cronJobUpdate);
        put("networking.k8s.io", "ingresses", true, NetworkingValidation::ingress,
                (n, o) -> concat(CoreValidation.metaUpdate(n, o), NetworkingValidation.ingress(n)));
        put("networking.k8s.io", "ingressclasses", false, NetworkingValidation::ingressClass,
                (n, o) -> concat(CoreValidation.metaUpdate(n, o), NetworkingValidation.ingressClass(n)));
        put("networking.k8s.io", "networkpolicies", true, NetworkingValidation::networkPolicy,
                (n, o) -> concat(CoreValidation.metaUpdate(n, o), NetworkingValidation.networkPolicy(n)));
        String rbac = RbacValidation.GROUP;
        put(rbac, "roles", true, r -> RbacValidation.role(r, true), (n, o) -> RbacValidation.roleUpdate(n, o, true));
        put(rbac, "clusterroles", false, r -> RbacValidation.role(r, false),
                (n, o) -> RbacValidation.roleUpdate(n, o, false));
        put(rbac, "rolebindings", true, b -> RbacValidation.binding(b, true),
                (n, o) -> RbacValidation.bindingUpdate(n, o, true));
        put(rbac, "clusterrolebindings", false, b -> RbacValidation.binding(b, false),
                (n, o) -> RbacValidation.bindingUpdate(n, o, false));
        put("coordination.k8s.io", "leases", true, SmallTypeValidation::lease, SmallTypeValidation::leaseUpdate);
        put("scheduling.k8s.io", "priorityclasses", false, SmallTypeValidation::priorityClass,
                SmallTypeValidation::priorityClassUpdate);
        put("storage.k8s.io", "storageclasses", false, SmallTypeValidation::storageClass,
                SmallTypeValidation::storageClassUpdate);
        put("events.k8s.io", "events", true, CoreValidation::eventsV1,
                (n, o) -> concat(CoreValidation.metaUpdate(n, o), CoreValidation.eventsV1(n)));
        for (String r : List.of("volumeattachments", "csidrivers", "csinodes", "volumeattributesclasses")) {
            metadataOnly("storage.k8s.io", r, false, NameRule.DNS_SUBDOMAIN);
        }
        metadataOnly("storage.k8s.io", "csistoragecapacities", true, NameRule.DNS_SUBDOMAIN);
        metadataOnly("discovery.k8s.io", "endpointslices", true, NameRule.DNS_SUBDOMAIN);
        metadataOnly("policy", "poddisruptionbudgets", true, NameRule.DNS_SUBDOMAIN);
        metadataOnly("autoscaling", "horizontalpodautoscalers", true, NameRule.DNS_SUBDOMAIN);
        metadataOnly("node.k8s.io", "runtimeclasses", false, NameRule.DNS_SUBDOMAIN);
        for (String r : List.of("mutatingwebhookconfigurations", "validatingwebhookconfigurations",
                "validatingadmissionpolicies", "validatingadmissionpolicybindings")) {
            metadataOnly("admissionregistration.k8s.io", r, false, NameRule.DNS_SUBDOMAIN);
        }
        put("apiextensions.k8s.io", "customresourcedefinitions", false, CustomResourceDefinitionValidation::validate,
                CustomResourceDefinitionValidation::validateUpdate);
        metadataOnly("certificates.k8s.io", "certificatesigningrequests", false, NameRule.PATH_SEGMENT);
    }

    private Validators() {
    }

    private static void core(String resource, boolean namespaced, Function<ObjectNode, List<FieldError>> create,
            BiFunction<ObjectNode, ObjectNode, List<FieldError>> update) {
        put("", resource, namespaced, create, update);
    }

    private static void put(String group, String resource, boolean namespaced,
            Function<ObjectNode, List<FieldError>> create, BiFunction<ObjectNode, ObjectNode, List<FieldError>> update) {
        BUILT_IN.put(group + "/" + resource, new Entry(namespaced, create, update));
    }

    private static void metadataOnly(String group, String resource, boolean namespaced, NameRule rule) {
        put(group, resource, namespaced,
                o -> ObjectMetaValidation.validate(ObjectMetaValidation.metadata(o), namespaced, rule, FieldPath.root("metadata")),
                (n, o) -> CoreValidation.metaUpdate(n, o));
    }

    private static List<FieldError> concat(List<FieldError> a, List<FieldError> b) {
        List<FieldError> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Whether the resource is one of the built-in ones validated here. */
    public static boolean isBuiltIn(String group, String resource) {
        return BUILT_IN.containsKey(group + "/" + resource);
    }

    /**
     * The validator of a built-in resource. For any other resource (custom resources) this gives the generic
     * metadata validation with names as URL path segments; use {@link #forResource(String, String, boolean)} there
     * so the namespace rule knows the scope.
     */
    public static ResourceValidator forResource(String group, String resource) {
        Entry e = BUILT_IN.get(group + "/" + resource);
        return e == null ? generic(null) : wrap(e);
    }

    /** Like {@link #forResource(String, String)}, with the scope given for resources this class does not know. */
    public static ResourceValidator forResource(String group, String resource, boolean namespaced) {
        Entry e = BUILT_IN.get(group + "/" + resource);
        return e == null ? generic(namespaced) : wrap(e);
    }

    /**
     * The validator of a custom resource: upstream's custom resource validator checks the metadata with names as
     * DNS subdomains (the schema's rules run when the body is decoded).
     */
    public static ResourceValidator forCustomResource(boolean namespaced) {
        return wrap(new Entry(namespaced, o -> ObjectMetaValidation.validate(ObjectMetaValidation.metadata(o),
                namespaced, NameRule.DNS_SUBDOMAIN, FieldPath.root("metadata")), CoreValidation::metaUpdate));
    }

    private static ResourceValidator wrap(Entry e) {
        return new ResourceValidator() {
            @Override
            public List<FieldError> validateCreate(ObjectNode obj) {
                List<FieldError> errs = e.create().apply(obj);
                if (errs.isEmpty()) {
                    // Upstream runs the generic metadata pass only once the type's own validation passed.
                    errs = commonMeta(obj, e.namespaced());
                }
                return errs;
            }

            @Override
            public List<FieldError> validateUpdate(ObjectNode newObj, ObjectNode oldObj) {
                List<FieldError> errs = new ArrayList<>(commonMeta(newObj, e.namespaced()));
                errs.addAll(ObjectMetaValidation.validateUpdateGeneric(ObjectMetaValidation.metadata(newObj),
                        ObjectMetaValidation.metadata(oldObj), FieldPath.root("metadata")));
                errs.addAll(e.update().apply(newObj, oldObj));
                return errs;
            }
        };
    }

    private static List<FieldError> commonMeta(ObjectNode obj, Boolean namespaced) {
        var meta = ObjectMetaValidation.metadata(obj);
        boolean ns = namespaced != null ? namespaced : !Json.text(meta, "namespace").isEmpty();
        return ObjectMetaValidation.validateGeneric(meta, ns, NameRule.PATH_SEGMENT, FieldPath.root("metadata"));
    }

    private static ResourceValidator generic(Boolean namespaced) {
        return new ResourceValidator() {
            @Override
            public List<FieldError> validateCreate(ObjectNode obj) {
                return commonMeta(obj, namespaced);
            }

            @Override
            public List<FieldError> validateUpdate(ObjectNode newObj, ObjectNode oldObj) {
                List<FieldError> errs = new ArrayList<>(commonMeta(newObj, namespaced));
                errs.addAll(ObjectMetaValidation.validateUpdateGeneric(ObjectMetaValidation.metadata(newObj),
                        ObjectMetaValidation.metadata(oldObj), FieldPath.root("metadata")));
                return errs;
            }
        };
    }
}
