package io.karst.apiserver.admission;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.datastore.KeyExistsException;
import io.karst.api.datastore.KeyValueStore;
import io.karst.apiserver.endpoint.ObjectAdmission;
import io.karst.apiserver.endpoint.ObjectMetadata;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;

/**
 * ClusterIPs from the service CIDR and node ports from the node-port range, as kube-apiserver allocates them.
 * The Services in the store are the truth about what is taken; a reservation key per address, created
 * if-absent, keeps two concurrent creates from taking the same one. A reservation whose address no Service
 * uses (its Service was deleted, or its create failed) is free again.
 */
public final class ServiceAddresses implements ObjectAdmission {
    private static final String RESERVATIONS = "/registry/karst/allocations/";
    private static final int ATTEMPTS = 64;

    private final ObjectStore store;
    private final ResourceType services;
    private final java.util.function.Supplier<KeyValueStore> kv;
    private final BigInteger networkStart;
    private final long networkSize;
    private final String cidr;
    private final int nodePortMin;
    private final int nodePortMax;

    /**
     * @param cidr the IPv4 service network, e.g. {@code 10.43.0.0/16}
     * @param nodePorts e.g. {@code 30000-32767}
     */
    public ServiceAddresses(ObjectStore store, ResourceType services, java.util.function.Supplier<KeyValueStore> kv,
            String cidr, String nodePorts) {
        this.store = store;
        this.services = services;
        this.kv = kv;
        this.cidr = cidr;
        String[] parts = cidr.split("/");
        try {
            byte[] address = InetAddress.getByName(parts[0]).getAddress();
            int bits = Integer.parseInt(parts[1]);
            BigInteger base = new BigInteger(1, address);
            int width = address.length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(width - bits).subtract(BigInteger.ONE).not();
            networkStart = base.and(mask).and(BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE));
            networkSize = 1L << Math.min(62, width - bits);
        } catch (UnknownHostException | RuntimeException e) {
            throw new IllegalArgumentException("invalid service CIDR " + cidr, e);
        }
        String[] range = nodePorts.split("-");
        nodePortMin = Integer.parseInt(range[0].trim());
        nodePortMax = Integer.parseInt(range[1].trim());
    }

    @Override
    public void admitCreate(ResourceType type, ObjectNode object) {
        if (isService(type)) {
            allocate(object, null);
        }
    }

    @Override
    public void admitUpdate(ResourceType type, String subresource, ObjectNode object, ObjectNode old) {
        if (isService(type) && subresource == null) {
            allocate(object, old);
        }
    }

    @Override
    public void deleted(ResourceType type, ObjectNode object) {
        if (!isService(type)) {
            return;
        }
        KeyValueStore store = kv.get();
        for (JsonNode ip : object.path("spec").path("clusterIPs")) {
            release(store, "serviceips/" + ip.asText());
        }
        for (JsonNode p : object.path("spec").path("ports")) {
            if (p.path("nodePort").asInt(0) != 0) {
                release(store, "nodeports/" + p.path("nodePort").asInt());
            }
        }
    }

    private static void release(KeyValueStore store, String what) {
        try {
            store.delete(RESERVATIONS + what, 0);
        } catch (RuntimeException e) {
            // Already free, or the store is away: a stale reservation is reclaimed by the next allocation.
        }
    }

    private static boolean isService(ResourceType type) {
        return type.group().isEmpty() && type.kind().equals("Service");
    }

    private void allocate(ObjectNode service, ObjectNode old) {
        ObjectNode spec = service.get("spec") instanceof ObjectNode s ? s : service.putObject("spec");
        String type = spec.path("type").asText("ClusterIP");
        String name = ObjectMetadata.name(service);
        if (type.equals("ExternalName")) {
            spec.remove("clusterIP");
            spec.remove("clusterIPs");
            return;
        }
        String oldIp = old == null ? "" : old.path("spec").path("clusterIP").asText("");
        String asked = spec.path("clusterIP").asText("");
        if (asked.isEmpty() && spec.path("clusterIPs").size() > 0) {
            asked = spec.path("clusterIPs").get(0).asText("");
        }
        if (!oldIp.isEmpty()) {
            if (!asked.isEmpty() && !asked.equals(oldIp)) {
                throw invalid(name, "spec.clusterIPs[0]", "Invalid value: []string{\"" + asked
                        + "\"}: may not change once set");
            }
            setClusterIp(spec, oldIp);
        } else if (asked.equals("None")) {
            setClusterIp(spec, "None");
        } else {
            Set<String> used = usedClusterIps(name, ObjectMetadata.namespace(service));
            setClusterIp(spec, asked.isEmpty() ? freeIp(used, name) : explicitIp(asked, used, name));
        }
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            allocateNodePorts(service, spec, old);
        } else if (spec.get("ports") instanceof ArrayNode ports) {
            for (JsonNode p : ports) {
                ((ObjectNode) p).remove("nodePort");
            }
        }
    }

    private static void setClusterIp(ObjectNode spec, String ip) {
        spec.put("clusterIP", ip);
        spec.putArray("clusterIPs").add(ip);
    }

    private String explicitIp(String ip, Set<String> used, String name) {
        BigInteger value;
        try {
            value = new BigInteger(1, InetAddress.getByName(ip).getAddress());
        } catch (UnknownHostException e) {
            throw invalid(name, "spec.clusterIPs[0]", "Invalid value: \"" + ip + "\": must be a valid IP address");
        }
        long offset = value.subtract(networkStart).longValue();
        if (value.compareTo(networkStart) < 0 || offset >= networkSize) {
            throw invalid(name, "spec.clusterIPs", "Invalid value: []string{\"" + ip + "\"}: failed to allocate IP "
                    + ip + ": the provided IP (" + ip + ") is not in the valid range. The range of valid IPs is "
                    + cidr);
        }
        if (used.contains(ip) || !reserve("serviceips/" + ip, used.contains(ip))) {
            throw invalid(name, "spec.clusterIPs", "Invalid value: []string{\"" + ip + "\"}: failed to allocate IP "
                    + ip + ": provided IP is already allocated");
        }
        return ip;
    }

    private String freeIp(Set<String> used, String name) {
        // As upstream, addresses are handed out from above a low band kept for Services that name their
        // ClusterIP (the kubernetes Service, cluster DNS at .10), so a random pick never takes one of those.
        long band = Math.min(Math.max(16, networkSize / 16), 256);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long offset = band + ThreadLocalRandom.current().nextLong(Math.max(1, networkSize - band - 1));
            String ip = toAddress(networkStart.add(BigInteger.valueOf(offset)));
            if (!used.contains(ip) && reserve("serviceips/" + ip, false)) {
                return ip;
            }
        }
        throw new ApiException(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: "
                + "range is full", null);
    }

    private void allocateNodePorts(ObjectNode service, ObjectNode spec, ObjectNode old) {
        String name = ObjectMetadata.name(service);
        Set<Integer> used = usedNodePorts(name, ObjectMetadata.namespace(service));
        JsonNode oldPorts = old == null ? null : old.path("spec").path("ports");
        int index = 0;
        for (JsonNode p : spec.path("ports")) {
            ObjectNode port = (ObjectNode) p;
            int asked = port.path("nodePort").asInt(0);
            int kept = keptNodePort(oldPorts, port);
            if (asked == 0 && kept != 0) {
                port.put("nodePort", kept);
            } else if (asked != 0 && asked != kept) {
                if (asked < nodePortMin || asked > nodePortMax) {
                    throw invalid(name, "spec.ports[" + index + "].nodePort", "Invalid value: " + asked
                            + ": provided port is not in the valid range. The range of valid ports is " + nodePortMin
                            + "-" + nodePortMax);
                }
                if (used.contains(asked) || !reserve("nodeports/" + asked, false)) {
                    throw invalid(name, "spec.ports[" + index + "].nodePort", "Invalid value: " + asked
                            + ": provided port is already allocated");
                }
                used.add(asked);
            } else if (asked == 0) {
                int chosen = freeNodePort(used);
                port.put("nodePort", chosen);
                used.add(chosen);
            }
            index++;
        }
    }

    private static int keptNodePort(JsonNode oldPorts, ObjectNode port) {
        if (oldPorts == null) {
            return 0;
        }
        for (JsonNode o : oldPorts) {
            if (o.path("port").asInt() == port.path("port").asInt()
                    && o.path("protocol").asText("TCP").equals(port.path("protocol").asText("TCP"))) {
                return o.path("nodePort").asInt(0);
            }
        }
        return 0;
    }

    private int freeNodePort(Set<Integer> used) {
        int span = nodePortMax - nodePortMin + 1;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = nodePortMin + ThreadLocalRandom.current().nextInt(span);
            if (!used.contains(port) && reserve("nodeports/" + port, false)) {
                return port;
            }
        }
        throw new ApiException(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: "
                + "range is full", null);
    }

    /** Takes the reservation key; a stale one (no Service uses it) is taken over. */
    private boolean reserve(String what, boolean inUse) {
        if (inUse) {
            return false;
        }
        KeyValueStore store = kv.get();
        String key = RESERVATIONS + what;
        byte[] stamp = Long.toString(System.currentTimeMillis()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            store.create(key, stamp, 0);
            return true;
        } catch (KeyExistsException e) {
            // Reserved before: by a Service that is gone (free again) or by a create racing with this one right
            // now. Only a reservation older than a few seconds is taken over, so a racing create keeps its own.
            var existing = store.get(key);
            if (existing.isEmpty()) {
                return false;
            }
            long at = Long.parseLong(new String(existing.get().value(), java.nio.charset.StandardCharsets.UTF_8));
            if (System.currentTimeMillis() - at < 10_000) {
                return false;
            }
            try {
                store.update(key, stamp, existing.get().modRevision(), 0);
                return true;
            } catch (RuntimeException raced) {
                return false;
            }
        }
    }

    private Set<String> usedClusterIps(String exceptName, String exceptNamespace) {
        Set<String> used = new HashSet<>();
        used.add(toAddress(networkStart.add(BigInteger.ONE)));
        forEachService(exceptName, exceptNamespace, s -> {
            for (JsonNode ip : s.path("spec").path("clusterIPs")) {
                used.add(ip.asText());
            }
            used.add(s.path("spec").path("clusterIP").asText(""));
        });
        return used;
    }

    private Set<Integer> usedNodePorts(String exceptName, String exceptNamespace) {
        Set<Integer> used = new HashSet<>();
        forEachService(exceptName, exceptNamespace, s -> {
            for (JsonNode p : s.path("spec").path("ports")) {
                if (p.path("nodePort").asInt(0) != 0) {
                    used.add(p.path("nodePort").asInt());
                }
            }
        });
        return used;
    }

    private void forEachService(String exceptName, String exceptNamespace,
            java.util.function.Consumer<ObjectNode> action) {
        store.forEach(services, null, s -> {
            if (!(ObjectMetadata.name(s).equals(exceptName) && ObjectMetadata.namespace(s).equals(exceptNamespace))) {
                action.accept(s);
            }
        });
    }

    private static String toAddress(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] four = new byte[4];
        System.arraycopy(raw, Math.max(0, raw.length - 4), four, Math.max(0, 4 - raw.length), Math.min(4, raw.length));
        try {
            return InetAddress.getByAddress(four).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiException invalid(String name, String field, String message) {
        return ApiException.invalid("Service", "", name, List.of(new ApiException.Cause(
                message.startsWith("Invalid") ? "FieldValueInvalid" : "FieldValueInvalid", message, field)));
    }
}
