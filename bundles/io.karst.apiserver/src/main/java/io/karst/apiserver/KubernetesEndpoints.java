package io.karst.apiserver;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.ResourceOperations;
import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.KeyExistsException;
import io.karst.api.datastore.KeyRange;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.LeaseNotFoundException;

/**
 * The Endpoints and EndpointSlice of the {@code default/kubernetes} Service, as kube-apiserver's "lease" endpoint
 * reconciler keeps them: every API server holds a key {@code /registry/masterleases/<its address>} on a short
 * datastore lease, and the endpoints list the addresses whose keys are alive. Several servers sharing a datastore
 * so each appear while they run, and one that dies drops out once its lease expires. A server that stops takes
 * its address out at once.
 */
final class KubernetesEndpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEndpoints.class);
    static final String MASTER_LEASES = "/registry/masterleases/";
    /** Upstream's master lease TTL and reconcile interval. */
    static final long LEASE_TTL_SECONDS = 15;
    static final long INTERVAL_SECONDS = 10;
    private static final ResourceKey ENDPOINTS = new ResourceKey("", "v1", "endpoints");
    private static final ResourceKey ENDPOINT_SLICES = new ResourceKey("discovery.k8s.io", "v1", "endpointslices");
    private static final String NAME = "kubernetes";

    private final Supplier<KeyValueStore> datastore;
    private final ResourceOperations endpoints;
    private final ResourceOperations slices;
    private final String address;
    private final int port;
    private final long leaseTtlSeconds;
    private final ScheduledFuture<?> task;
    private long leaseId;

    KubernetesEndpoints(Supplier<KeyValueStore> datastore, ResourceClient client, String address, int port,
            ScheduledExecutorService timers) {
        this(datastore, client, address, port, timers, LEASE_TTL_SECONDS, INTERVAL_SECONDS);
    }

    KubernetesEndpoints(Supplier<KeyValueStore> datastore, ResourceClient client, String address, int port,
            ScheduledExecutorService timers, long leaseTtlSeconds, long intervalSeconds) {
        this.datastore = datastore;
        this.leaseTtlSeconds = leaseTtlSeconds;
        this.endpoints = client.resource(ENDPOINTS).inNamespace("default");
        this.slices = client.resource(ENDPOINT_SLICES).inNamespace("default");
        this.address = address;
        this.port = port;
        this.task = timers.scheduleWithFixedDelay(this::reconcile, 0, intervalSeconds, TimeUnit.SECONDS);
    }

    /** Renews this server's master lease and writes the endpoints of every server whose lease is alive. */
    synchronized void reconcile() {
        try {
            holdLease();
            write(liveAddresses());
        } catch (DatastoreException | ResourceException e) {
            LOG.warn("Could not update the endpoints of the kubernetes Service: {}", e.getMessage());
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again.
            LOG.error("Could not update the endpoints of the kubernetes Service", e);
        }
    }

    private void holdLease() {
        KeyValueStore kv = datastore.get();
        if (leaseId != 0) {
            try {
                kv.keepAlive(leaseId);
                return;
            } catch (LeaseNotFoundException expired) {
                leaseId = 0;
            }
        }
        long lease = kv.grantLease(leaseTtlSeconds).id();
        String key = MASTER_LEASES + address;
        byte[] value = masterLease().toString().getBytes(StandardCharsets.UTF_8);
        try {
            kv.create(key, value, lease);
        } catch (KeyExistsException written) {
            // Left by this server's previous run, on a lease of its own that has not expired yet.
            kv.update(key, value, 0, lease);
        }
        leaseId = lease;
    }

    /** What upstream stores under the key: an Endpoints object naming the address. */
    private ObjectNode masterLease() {
        ObjectNode lease = JsonNodeFactory.instance.objectNode();
        lease.put("kind", "Endpoints");
        lease.put("apiVersion", "v1");
        lease.putObject("metadata").put("name", address);
        lease.putArray("subsets").addObject().putArray("addresses").addObject().put("ip", address);
        return lease;
    }

    private List<String> liveAddresses() {
        List<String> addresses = new ArrayList<>();
        for (KeyValue kv : datastore.get().range(KeyRange.prefix(MASTER_LEASES), 0, 0, null).kvs()) {
            addresses.add(kv.key().substring(MASTER_LEASES.length()));
        }
        return addresses;
    }

    private void write(List<String> addresses) {
        ObjectNode wanted = endpointsOf(addresses);
        Optional<ObjectNode> current = endpoints.find(NAME);
        if (current.isEmpty()) {
            endpoints.create(wanted);
        } else if (!sameContent(current.get(), wanted, "subsets")) {
            ((ObjectNode) wanted.get("metadata")).put("resourceVersion", current.get().path("metadata").path("resourceVersion")
                    .asText());
            endpoints.update(wanted);
        }
        ObjectNode slice = sliceOf(addresses);
        Optional<ObjectNode> currentSlice = slices.find(NAME);
        if (currentSlice.isEmpty()) {
            slices.create(slice);
        } else if (!sameContent(currentSlice.get(), slice, "endpoints")
                || !sameContent(currentSlice.get(), slice, "ports")) {
            ((ObjectNode) slice.get("metadata")).put("resourceVersion", currentSlice.get().path("metadata")
                    .path("resourceVersion").asText());
            slices.update(slice);
        }
    }

    private static boolean sameContent(JsonNode current, JsonNode wanted, String field) {
        return current.path(field).equals(wanted.path(field));
    }

    private ObjectNode endpointsOf(List<String> addresses) {
        ObjectNode ep = JsonNodeFactory.instance.objectNode();
        ep.put("apiVersion", "v1");
        ep.put("kind", "Endpoints");
        ObjectNode meta = ep.putObject("metadata");
        meta.put("name", NAME);
        meta.put("namespace", "default");
        // The mirroring controller must leave it alone: its EndpointSlice is written here.
        meta.putObject("labels").put("endpointslice.kubernetes.io/skip-mirror", "true");
        if (!addresses.isEmpty()) {
            ObjectNode subset = ep.putArray("subsets").addObject();
            ArrayNode list = subset.putArray("addresses");
            addresses.forEach(ip -> list.addObject().put("ip", ip));
            subset.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
        }
        return ep;
    }

    private ObjectNode sliceOf(List<String> addresses) {
        ObjectNode slice = JsonNodeFactory.instance.objectNode();
        slice.put("apiVersion", "discovery.k8s.io/v1");
        slice.put("kind", "EndpointSlice");
        ObjectNode meta = slice.putObject("metadata");
        meta.put("name", NAME);
        meta.put("namespace", "default");
        meta.putObject("labels").put("kubernetes.io/service-name", NAME);
        slice.put("addressType", address.contains(":") ? "IPv6" : "IPv4");
        ArrayNode list = slice.putArray("endpoints");
        for (String ip : addresses) {
            ObjectNode endpoint = list.addObject();
            endpoint.putArray("addresses").add(ip);
            endpoint.putObject("conditions").put("ready", true);
        }
        slice.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
        return slice;
    }

    /** Stops renewing, and takes this server's address out of the endpoints at once. */
    @Override
    public synchronized void close() {
        task.cancel(false);
        try {
            if (leaseId != 0) {
                datastore.get().revokeLease(leaseId);
                leaseId = 0;
            }
            write(liveAddresses());
        } catch (DatastoreException | ResourceException e) {
            LOG.debug("Could not take this server out of the kubernetes endpoints: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.debug("Could not take this server out of the kubernetes endpoints", e);
        }
    }
}
