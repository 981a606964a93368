package io.karst.apiserver.resource;

import java.util.ArrayList;
import java.util.List;

import io.karst.apiserver.conversion.EventConversion;
import io.karst.apiserver.conversion.HorizontalPodAutoscalerConversion;
import io.karst.apiserver.resource.ResourceType.Subresource;

/**
 * The built-in resources of Kubernetes 1.33 that Karst serves, with the names, short names, categories, verbs
 * and subresources kube-apiserver's discovery shows, and kube-apiserver's etcd key prefixes (so that
 * {@code etcdctl get --prefix /registry/} reads like a K3s datastore).
 */
public final class BuiltinResources {
    private static final List<String> CREATE = List.of("create");
    private static final List<String> GET_PATCH_UPDATE = List.of("get", "patch", "update");
    private static final List<String> NO_COLLECTION =
            List.of("create", "delete", "get", "list", "patch", "update", "watch");

    private BuiltinResources() {
    }

    public static List<ResourceType> all() {
        List<ResourceType> all = new ArrayList<>();
        core(all);
        apps(all);
        all.add(ns("batch", "v1", "CronJob", "cronjobs", "cronjobs", names("cj"), ALL, status("CronJob")));
        all.add(ns("batch", "v1", "Job", "jobs", "jobs", names(), ALL, status("Job")));
        all.add(cluster("networking.k8s.io", "v1", "IngressClass", "ingressclasses", "ingressclasses", names(),
                NONE));
        all.add(ns("networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", names("ing"), NONE,
                status("Ingress")));
        all.add(ns("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "networkpolicies",
                names("netpol"), NONE));
        storage(all);
        rbac(all);
        reviews(all);
        all.add(ns("coordination.k8s.io", "v1", "Lease", "leases", "leases", names(), NONE));
        all.add(ns("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslices", names(), NONE));
        all.add(ns("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudgets",
                names("pdb"), NONE, status("PodDisruptionBudget")));
        // upstream keeps both Event APIs in one place, as core/v1 objects
        all.add(ns("events.k8s.io", "v1", "Event", "events", "events", names("ev"), NONE)
                .storedAs(EventConversion.INSTANCE));
        all.add(ns("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers",
                "horizontalpodautoscalers", names("hpa"), ALL, status("HorizontalPodAutoscaler")));
        all.add(ns("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers",
                "horizontalpodautoscalers", names("hpa"), ALL, status("HorizontalPodAutoscaler"))
                .storedAs(HorizontalPodAutoscalerConversion.INSTANCE));
        all.add(cluster("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "priorityclasses",
                names("pc"), NONE));
        all.add(cluster("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", "runtimeclasses", names(), NONE));
        admission(all);
        all.add(cluster("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions",
                "apiextensions.k8s.io/customresourcedefinitions", names("crd", "crds"), ALL_API_MACHINERY,
                status("CustomResourceDefinition")));
        return List.copyOf(all);
    }

    private static void core(List<ResourceType> all) {
        all.add(new ResourceType("", "v1", "Binding", "bindings", "binding", true, names(), NONE, CREATE,
                List.of(), "bindings"));
        all.add(ns("", "v1", "ConfigMap", "configmaps", "configmaps", names("cm"), NONE));
        all.add(ns("", "v1", "Endpoints", "endpoints", "services/endpoints", names("ep"), NONE));
        all.add(ns("", "v1", "Event", "events", "events", names("ev"), NONE));
        all.add(ns("", "v1", "LimitRange", "limitranges", "limitranges", names("limits"), NONE));
        all.add(new ResourceType("", "v1", "Namespace", "namespaces", "namespace", false, names("ns"), NONE,
                NO_COLLECTION, List.of(new Subresource("finalize", "Namespace", List.of("update")),
                        new Subresource("status", "Namespace", GET_PATCH_UPDATE)), "namespaces"));
        all.add(cluster("", "v1", "Node", "nodes", "minions", names("no"), NONE,
                new Subresource("proxy", "NodeProxyOptions", List.of("create", "delete", "get", "patch", "update")),
                status("Node")));
        all.add(ns("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaims",
                names("pvc"), NONE, status("PersistentVolumeClaim")));
        all.add(cluster("", "v1", "PersistentVolume", "persistentvolumes", "persistentvolumes", names("pv"), NONE,
                status("PersistentVolume")));
        all.add(ns("", "v1", "Pod", "pods", "pods", names("po"), ALL,
                new Subresource("attach", "PodAttachOptions", List.of("create", "get")),
                new Subresource("binding", "Binding", CREATE),
                new Subresource("eviction", "Eviction", CREATE),
                new Subresource("exec", "PodExecOptions", List.of("create", "get")),
                new Subresource("log", "Pod", List.of("get")),
                new Subresource("portforward", "PodPortForwardOptions", List.of("create", "get")),
                new Subresource("status", "Pod", GET_PATCH_UPDATE)));
        all.add(ns("", "v1", "PodTemplate", "podtemplates", "podtemplates", names(), NONE));
        all.add(ns("", "v1", "ReplicationController", "replicationcontrollers", "controllers", names("rc"), ALL,
                scale(), status("ReplicationController")));
        all.add(ns("", "v1", "ResourceQuota", "resourcequotas", "resourcequotas", names("quota"), NONE,
                status("ResourceQuota")));
        all.add(ns("", "v1", "Secret", "secrets", "secrets", names(), NONE));
        all.add(ns("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccounts", names("sa"), NONE,
                new Subresource("token", "TokenRequest", CREATE)));
        all.add(new ResourceType("", "v1", "Service", "services", "service", true, names("svc"), ALL,
                List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
                List.of(status("Service")), "services/specs"));
    }

    private static void apps(List<ResourceType> all) {
        all.add(ns("apps", "v1", "ControllerRevision", "controllerrevisions", "controllerrevisions", names(),
                NONE));
        all.add(ns("apps", "v1", "DaemonSet", "daemonsets", "daemonsets", names("ds"), ALL, status("DaemonSet")));
        all.add(ns("apps", "v1", "Deployment", "deployments", "deployments", names("deploy"), ALL, scale(),
                status("Deployment")));
        all.add(ns("apps", "v1", "ReplicaSet", "replicasets", "replicasets", names("rs"), ALL, scale(),
                status("ReplicaSet")));
        all.add(ns("apps", "v1", "StatefulSet", "statefulsets", "statefulsets", names("sts"), ALL, scale(),
                status("StatefulSet")));
    }

    private static void storage(List<ResourceType> all) {
        String g = "storage.k8s.io";
        all.add(cluster(g, "v1", "CSIDriver", "csidrivers", "csidrivers", names(), NONE));
        all.add(cluster(g, "v1", "CSINode", "csinodes", "csinodes", names(), NONE));
        all.add(ns(g, "v1", "CSIStorageCapacity", "csistoragecapacities", "csistoragecapacities", names(), NONE));
        all.add(cluster(g, "v1", "StorageClass", "storageclasses", "storageclasses", names("sc"), NONE));
        all.add(cluster(g, "v1", "VolumeAttachment", "volumeattachments", "volumeattachments", names(), NONE,
                status("VolumeAttachment")));
    }

    private static void rbac(List<ResourceType> all) {
        String g = "rbac.authorization.k8s.io";
        all.add(cluster(g, "v1", "ClusterRoleBinding", "clusterrolebindings", "clusterrolebindings", names(),
                NONE));
        all.add(cluster(g, "v1", "ClusterRole", "clusterroles", "clusterroles", names(), NONE));
        all.add(ns(g, "v1", "RoleBinding", "rolebindings", "rolebindings", names(), NONE));
        all.add(ns(g, "v1", "Role", "roles", "roles", names(), NONE));
    }

    /** Create-only, never stored: answered at once with their status, as upstream's review REST storages. */
    private static void reviews(List<ResourceType> all) {
        String authn = "authentication.k8s.io";
        String authz = "authorization.k8s.io";
        List<String> create = List.of("create");
        all.add(new ResourceType(authn, "v1", "SelfSubjectReview", "selfsubjectreviews", "selfsubjectreview", false,
                names(), NONE, create, List.of(), null));
        all.add(new ResourceType(authn, "v1", "TokenReview", "tokenreviews", "tokenreview", false, names(), NONE,
                create, List.of(), null));
        all.add(new ResourceType(authz, "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews",
                "localsubjectaccessreview", true, names(), NONE, create, List.of(), null));
        all.add(new ResourceType(authz, "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews",
                "selfsubjectaccessreview", false, names(), NONE, create, List.of(), null));
        all.add(new ResourceType(authz, "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews",
                "selfsubjectrulesreview", false, names(), NONE, create, List.of(), null));
        all.add(new ResourceType(authz, "v1", "SubjectAccessReview", "subjectaccessreviews", "subjectaccessreview",
                false, names(), NONE, create, List.of(), null));
    }

    private static void admission(List<ResourceType> all) {
        String g = "admissionregistration.k8s.io";
        all.add(cluster(g, "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations",
                "mutatingwebhookconfigurations", names(), ALL_API_MACHINERY));
        all.add(cluster(g, "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies",
                "validatingadmissionpolicies", names(), ALL_API_MACHINERY, status("ValidatingAdmissionPolicy")));
        all.add(cluster(g, "v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings",
                "validatingadmissionpolicybindings", names(), ALL_API_MACHINERY));
        all.add(cluster(g, "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations",
                "validatingwebhookconfigurations", names(), ALL_API_MACHINERY));
    }

    private static final List<String> NONE = List.of();
    private static final List<String> ALL = List.of("all");
    private static final List<String> ALL_API_MACHINERY = List.of("api-extensions");

    private static List<String> names(String... shortNames) {
        return List.of(shortNames);
    }

    private static Subresource status(String kind) {
        return new Subresource("status", kind, GET_PATCH_UPDATE);
    }

    private static Subresource scale() {
        return new Subresource("scale", "Scale", GET_PATCH_UPDATE);
    }

    private static ResourceType ns(String group, String version, String kind, String plural, String storage,
            List<String> shortNames, List<String> categories, Subresource... subresources) {
        return new ResourceType(group, version, kind, plural, kind.toLowerCase(java.util.Locale.ROOT), true,
                shortNames, categories, ResourceType.ALL_VERBS, List.of(subresources), storage);
    }

    private static ResourceType cluster(String group, String version, String kind, String plural, String storage,
            List<String> shortNames, List<String> categories, Subresource... subresources) {
        return new ResourceType(group, version, kind, plural, kind.toLowerCase(java.util.Locale.ROOT), false,
                shortNames, categories, ResourceType.ALL_VERBS, List.of(subresources), storage);
    }
}
