package io.karst.apiserver;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.endpoint.ObjectMetadata;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;

/**
 * What exists in every cluster from the start, created when missing and never overwritten: the namespaces
 * {@code default}, {@code kube-system}, {@code kube-public}, {@code kube-node-lease}, and the {@code kubernetes}
 * Service in {@code default} that points pods at the API server.
 */
final class ClusterBootstrap {
    static final List<String> NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private final ObjectStore store;
    private final ResourceRegistry registry;
    private final Clock clock;

    ClusterBootstrap(ObjectStore store, ResourceRegistry registry, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.clock = clock;
    }

    void ensure(String serviceIp, int httpsPort) {
        ResourceType namespaces = registry.find("", "v1", "namespaces").orElseThrow();
        for (String name : NAMESPACES) {
            ObjectNode ns = object("v1", "Namespace", name, null);
            ObjectMetadata.of(ns).putObject("labels").put("kubernetes.io/metadata.name", name);
            ns.putObject("spec").putArray("finalizers").add("kubernetes");
            ns.putObject("status").put("phase", "Active");
            createIfMissing(namespaces, null, name, ns);
        }
        ResourceType services = registry.find("", "v1", "services").orElseThrow();
        ObjectNode svc = object("v1", "Service", "kubernetes", "default");
        ObjectNode labels = ObjectMetadata.of(svc).putObject("labels");
        labels.put("component", "apiserver");
        labels.put("provider", "kubernetes");
        ObjectNode spec = svc.putObject("spec");
        spec.put("type", "ClusterIP");
        spec.put("clusterIP", serviceIp);
        spec.putArray("clusterIPs").add(serviceIp);
        spec.put("sessionAffinity", "None");
        spec.put("internalTrafficPolicy", "Cluster");
        spec.put("ipFamilyPolicy", "SingleStack");
        spec.putArray("ipFamilies").add(serviceIp.contains(":") ? "IPv6" : "IPv4");
        ObjectNode port = spec.putArray("ports").addObject();
        port.put("name", "https");
        port.put("protocol", "TCP");
        port.put("port", 443);
        port.put("targetPort", httpsPort);
        svc.putObject("status").putObject("loadBalancer");
        createIfMissing(services, "default", "kubernetes", svc);
    }

    private ObjectNode object(String apiVersion, String kind, String name, String namespace) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        ObjectNode meta = o.putObject("metadata");
        meta.put("name", name);
        if (namespace != null) {
            meta.put("namespace", namespace);
        }
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", ObjectMetadata.timestamp(clock.instant()));
        return o;
    }

    private void createIfMissing(ResourceType type, String namespace, String name, ObjectNode object) {
        if (store.find(type, namespace, name).isPresent()) {
            return;
        }
        try {
            store.create(type, namespace, name, object);
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
        }
    }
}
