package io.karst.apiserver.resource;

import java.util.Comparator;
import java.util.List;

/**
 * The order kube-apiserver lists groups in: core, then the built-in groups by their fixed priority, then the
 * rest (CRD groups) alphabetically; resources of a group alphabetically.
 */
final class DiscoveryOrder implements Comparator<ResourceType> {
    static final DiscoveryOrder INSTANCE = new DiscoveryOrder();

    private static final List<String> BUILTIN_GROUPS = List.of("", "apiregistration.k8s.io", "apps",
            "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch",
            "certificates.k8s.io", "networking.k8s.io", "policy", "rbac.authorization.k8s.io", "storage.k8s.io",
            "admissionregistration.k8s.io", "apiextensions.k8s.io", "scheduling.k8s.io", "coordination.k8s.io",
            "node.k8s.io", "discovery.k8s.io", "flowcontrol.apiserver.k8s.io");

    @Override
    public int compare(ResourceType a, ResourceType b) {
        int ga = rank(a.group());
        int gb = rank(b.group());
        if (ga != gb) {
            return Integer.compare(ga, gb);
        }
        int byGroup = a.group().compareTo(b.group());
        if (byGroup != 0) {
            return byGroup;
        }
        int byVersion = VersionPriority.NEWEST_FIRST.compare(a.version(), b.version());
        return byVersion != 0 ? byVersion : a.plural().compareTo(b.plural());
    }

    private static int rank(String group) {
        int i = BUILTIN_GROUPS.indexOf(group);
        return i < 0 ? BUILTIN_GROUPS.size() : i;
    }
}
