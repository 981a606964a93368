package io.karst.controllers.gc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ApiResource;
import io.karst.api.client.Informer;
import io.karst.api.client.InformerFactory;
import io.karst.api.client.ResourceKey;

/**
 * What the collector watches: a shared informer on the preferred version of every resource that can be listed,
 * watched and deleted (upstream's "deletable resources"), each indexed by the uids of its objects' owners, so
 * that the dependents of any object are found without an API call.
 */
final class Monitors {
    static final String OWNER_INDEX = "metadata.ownerReferences.uid";

    /** A cached object and the resource it belongs to. */
    record Dependent(ResourceKey resource, ObjectNode object) {
    }

    private final Map<ResourceKey, Informer> informers = new LinkedHashMap<>();
    private final Map<String, ApiResource> byGroupKind = new HashMap<>();

    Monitors(List<ApiResource> resources, InformerFactory factory) {
        for (ApiResource r : resources) {
            if (r.preferred()) {
                byGroupKind.putIfAbsent(r.group() + "/" + r.kind(), r);
            }
        }
        for (ApiResource r : resources) {
            byGroupKind.putIfAbsent(r.group() + "/" + r.kind(), r);
            if (r.preferred() && r.supports("list") && r.supports("watch") && r.supports("delete")) {
                Informer informer = factory.informer(r.key());
                informer.addIndex(OWNER_INDEX, Monitors::ownerUids);
                informers.put(r.key(), informer);
            }
        }
    }

    private static List<String> ownerUids(ObjectNode object) {
        return OwnerReference.of(object).stream().map(OwnerReference::uid).toList();
    }

    Map<ResourceKey, Informer> informers() {
        return informers;
    }

    /** The resource that serves {@code kind} in {@code group} (its preferred version), if any. */
    Optional<ApiResource> resourceFor(String group, String kind) {
        return Optional.ofNullable(byGroupKind.get(group + "/" + kind));
    }

    /** Every cached object that names {@code ownerUid} among its owners. */
    List<Dependent> dependentsOf(String ownerUid) {
        List<Dependent> dependents = new ArrayList<>();
        informers.forEach((key, informer) -> {
            for (ObjectNode object : informer.lister().byIndex(OWNER_INDEX, ownerUid)) {
                dependents.add(new Dependent(key, object));
            }
        });
        return dependents;
    }

    /** The cached object, when this resource is watched and the cache has it. */
    Optional<ObjectNode> cached(ResourceKey resource, String namespace, String name) {
        Informer informer = informers.get(resource);
        return informer == null ? Optional.empty() : informer.lister().get(namespace, name);
    }
}
