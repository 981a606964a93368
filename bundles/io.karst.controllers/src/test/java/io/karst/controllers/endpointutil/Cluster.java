package io.karst.controllers.endpointutil;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.DeleteOptions;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;

/**
 * What the endpoint controller tests do to the cluster: Services, Nodes and pods, and the pod status a kubelet
 * would report (IP, Ready condition), written through the real API.
 */
public final class Cluster {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final ResourceKey SERVICES = new ResourceKey("", "v1", "services");
    public static final ResourceKey PODS = new ResourceKey("", "v1", "pods");
    public static final ResourceKey NODES = new ResourceKey("", "v1", "nodes");
    public static final ResourceKey ENDPOINTS = new ResourceKey("", "v1", "endpoints");
    public static final ResourceKey ENDPOINTSLICES = new ResourceKey("discovery.k8s.io", "v1", "endpointslices");

    public final ResourceOperations services;
    public final ResourceOperations pods;
    public final ResourceOperations nodes;
    public final ResourceOperations endpoints;
    public final ResourceOperations slices;

    public Cluster(ResourceClient client) {
        services = client.resource(SERVICES).inNamespace("default");
        pods = client.resource(PODS).inNamespace("default");
        nodes = client.resource(NODES);
        endpoints = client.resource(ENDPOINTS).inNamespace("default");
        slices = client.resource(ENDPOINTSLICES).inNamespace("default");
    }

    public static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) JSON.readTree(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(singleQuoted, e);
        }
    }

    public static JsonNode tree(String singleQuoted) {
        try {
            return JSON.readTree(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(singleQuoted, e);
        }
    }

    /** A Service selecting {@code app=<app>}; {@code spec} is the rest of its spec as JSON members. */
    public ObjectNode service(String name, String app, String spec) {
        String selector = app == null ? "" : "'selector':{'app':'" + app + "'},";
        return services.create(json("{'apiVersion':'v1','kind':'Service','metadata':{'name':'" + name + "'},"
                + "'spec':{" + selector + spec + "}}"));
    }

    public ObjectNode node(String name, String zone) {
        return nodes.create(json("{'apiVersion':'v1','kind':'Node','metadata':{'name':'" + name + "',"
                + "'labels':{'topology.kubernetes.io/zone':'" + zone + "'}}}"));
    }

    /** A pod labelled {@code app=<app>} on {@code node}, its container declaring {@code ports} (JSON array body). */
    public ObjectNode pod(String name, String app, String node, String ports) {
        return pod(name, app, node, ports, "");
    }

    public ObjectNode pod(String name, String app, String node, String ports, String extraSpec) {
        return pods.create(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "',"
                + "'labels':{'app':'" + app + "'}},'spec':{'nodeName':'" + node + "'," + extraSpec
                + "'containers':[{'name':'c','image':'app:1','ports':[" + ports + "]}]}}"));
    }

    /** What the kubelet reports once the pod runs: its IP and whether it is Ready. */
    public void running(String pod, String ip, boolean ready) {
        ObjectNode current = pods.get(pod);
        ObjectNode status = current.putObject("status");
        status.put("phase", "Running");
        status.put("podIP", ip);
        status.putArray("podIPs").addObject().put("ip", ip);
        status.putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False")
                .put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        pods.updateStatus(current);
    }

    /** Deletes the pod with a grace period: it stays, terminating, as no kubelet confirms its end. */
    public void terminate(String pod) {
        pods.delete(pod, DeleteOptions.NONE.withGracePeriodSeconds(30L));
    }

    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
