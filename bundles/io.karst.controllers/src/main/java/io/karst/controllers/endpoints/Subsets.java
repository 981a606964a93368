package io.karst.controllers.endpoints;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Endpoints subsets in their canonical form (upstream's RepackSubsets): each distinct port maps to the addresses
 * serving it, and addresses serving the same ports with the same readiness share one subset. An address that is
 * not ready for a port stays not ready there even if another subset lists it ready. Addresses are sorted by IP and
 * pod uid; ports and subsets by their JSON text (upstream sorts those by a hash of the Go structs, which this
 * cannot reproduce; the order is just as stable).
 */
final class Subsets {
    /** Stands for "no ports" (a headless Service without ports) while grouping. */
    private static final String NO_PORTS = "";

    private Subsets() {
    }

    private record Address(String ip, String uid, ObjectNode node) {
        String key() {
            return ip + "/" + uid;
        }
    }

    private static final Comparator<Address> ADDRESS_ORDER = Comparator.comparing(Address::ip)
            .thenComparing(Address::uid);

    static ArrayNode repack(List<ObjectNode> subsets) {
        Map<String, Address> all = new LinkedHashMap<>();
        Map<String, ObjectNode> portsByKey = new LinkedHashMap<>();
        // port -> (address key -> ready)
        Map<String, Map<String, Boolean>> readiness = new LinkedHashMap<>();
        for (ObjectNode subset : subsets) {
            List<String> portKeys = new ArrayList<>();
            if (subset.path("ports").isEmpty()) {
                portKeys.add(NO_PORTS);
            } else {
                for (JsonNode port : subset.path("ports")) {
                    String key = port.toString();
                    portsByKey.put(key, (ObjectNode) port);
                    portKeys.add(key);
                }
            }
            for (String kind : List.of("addresses", "notReadyAddresses")) {
                boolean ready = kind.equals("addresses");
                for (JsonNode a : subset.path(kind)) {
                    Address address = new Address(a.path("ip").asText(),
                            a.path("targetRef").path("uid").asText(""), (ObjectNode) a);
                    all.putIfAbsent(address.key(), address);
                    for (String portKey : portKeys) {
                        // not ready wins over ready
                        readiness.computeIfAbsent(portKey, k -> new TreeMap<>())
                                .merge(address.key(), ready, Boolean::logicalAnd);
                    }
                }
            }
        }
        // group the ports by the exact set of addresses (and readiness) serving them
        Map<String, List<String>> portsBySet = new LinkedHashMap<>();
        Map<String, Map<String, Boolean>> sets = new LinkedHashMap<>();
        readiness.forEach((portKey, addresses) -> {
            String setKey = addresses.toString();
            sets.put(setKey, addresses);
            portsBySet.computeIfAbsent(setKey, k -> new ArrayList<>()).add(portKey);
        });
        List<ObjectNode> result = new ArrayList<>();
        portsBySet.forEach((setKey, portKeys) -> {
            List<Address> ready = new ArrayList<>();
            List<Address> notReady = new ArrayList<>();
            sets.get(setKey).forEach((addressKey, isReady) -> (isReady ? ready : notReady).add(all.get(addressKey)));
            ready.sort(ADDRESS_ORDER);
            notReady.sort(ADDRESS_ORDER);
            ObjectNode subset = JsonNodeFactory.instance.objectNode();
            if (!ready.isEmpty()) {
                ArrayNode list = subset.putArray("addresses");
                ready.forEach(a -> list.add(a.node()));
            }
            if (!notReady.isEmpty()) {
                ArrayNode list = subset.putArray("notReadyAddresses");
                notReady.forEach(a -> list.add(a.node()));
            }
            List<String> sortedPorts = portKeys.stream().filter(k -> !k.equals(NO_PORTS)).sorted().toList();
            if (!sortedPorts.isEmpty()) {
                ArrayNode list = subset.putArray("ports");
                sortedPorts.forEach(k -> list.add(portsByKey.get(k)));
            }
            result.add(subset);
        });
        result.sort(Comparator.comparing(JsonNode::toString));
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        result.forEach(array::add);
        return array;
    }

    /**
     * Cuts the subsets down to {@code max} addresses, as upstream does: not-ready addresses go first; if the ready
     * ones alone are too many, all not-ready ones go and each subset keeps a share of ready ones proportional to
     * its size (rounded up, the last ones taking what is left).
     *
     * @return whether anything was cut
     */
    static boolean truncate(ArrayNode subsets, int max) {
        int ready = 0;
        int notReady = 0;
        for (JsonNode s : subsets) {
            ready += s.path("addresses").size();
            notReady += s.path("notReadyAddresses").size();
        }
        if (ready + notReady <= max) {
            return false;
        }
        boolean truncateReady = ready > max;
        int budget = truncateReady ? max : max - ready;
        int total = truncateReady ? ready : notReady;
        int left = budget;
        for (JsonNode node : subsets) {
            ObjectNode s = (ObjectNode) node;
            String field = truncateReady ? "addresses" : "notReadyAddresses";
            int inSubset = s.path(field).size();
            int share = (int) Math.ceil((double) inSubset / total * budget);
            share = Math.min(share, left);
            if (truncateReady) {
                s.remove("notReadyAddresses");
            }
            if (s.path(field).isArray()) {
                ArrayNode list = (ArrayNode) s.get(field);
                while (list.size() > share) {
                    list.remove(list.size() - 1);
                }
                if (list.isEmpty()) {
                    s.remove(field);
                }
                left -= list.size();
            }
        }
        // a subset left without addresses would be invalid
        for (java.util.Iterator<JsonNode> it = subsets.iterator(); it.hasNext();) {
            JsonNode s = it.next();
            if (s.path("addresses").isEmpty() && s.path("notReadyAddresses").isEmpty()) {
                it.remove();
            }
        }
        return true;
    }
}
