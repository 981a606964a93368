package io.karst.controllers.nodeipam;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.BitSet;
import java.util.Optional;

/**
 * The IPv4 cluster CIDR cut into node ranges of one prefix length (upstream's range allocator for one family):
 * which are taken, and the lowest free one.
 */
final class NodeCidrs {
    private final int base;
    private final int clusterPrefix;
    private final int nodePrefix;
    private final int count;
    private final BitSet taken = new BitSet();

    NodeCidrs(String clusterCidr, int nodePrefix) {
        String[] parts = clusterCidr.trim().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("cluster CIDR " + clusterCidr + " is not address/prefix");
        }
        this.clusterPrefix = Integer.parseInt(parts[1]);
        if (clusterPrefix < 0 || clusterPrefix > 32 || nodePrefix < clusterPrefix || nodePrefix > 30
                || nodePrefix - clusterPrefix > 24) {
            throw new IllegalArgumentException("node CIDR mask size " + nodePrefix + " does not fit in "
                    + clusterCidr);
        }
        this.nodePrefix = nodePrefix;
        this.base = ipv4(parts[0]) & mask(clusterPrefix);
        this.count = 1 << (nodePrefix - clusterPrefix);
    }

    /** Marks a node's range as taken; false when it is not one of this cluster's ranges. */
    synchronized boolean occupy(String cidr) {
        int index = indexOf(cidr);
        if (index < 0) {
            return false;
        }
        taken.set(index);
        return true;
    }

    synchronized void release(String cidr) {
        int index = indexOf(cidr);
        if (index >= 0) {
            taken.clear(index);
        }
    }

    /** Takes the lowest free range; empty when all are taken. */
    synchronized Optional<String> allocate() {
        int index = taken.nextClearBit(0);
        if (index >= count) {
            return Optional.empty();
        }
        taken.set(index);
        return Optional.of(text(base + (index << (32 - nodePrefix))) + "/" + nodePrefix);
    }

    int capacity() {
        return count;
    }

    private int indexOf(String cidr) {
        String[] parts = cidr.split("/");
        if (parts.length != 2 || !parts[0].contains(".") || Integer.parseInt(parts[1]) != nodePrefix) {
            return -1;
        }
        int address;
        try {
            address = ipv4(parts[0]);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        if ((address & mask(clusterPrefix)) != base || (address & ~mask(nodePrefix)) != 0) {
            return -1;
        }
        return (address - base) >>> (32 - nodePrefix);
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    private static int ipv4(String text) {
        if (!text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            throw new IllegalArgumentException(text + " is not an IPv4 address");
        }
        try {
            // a dotted quad: parsed, never looked up
            byte[] b = InetAddress.getByName(text).getAddress();
            if (b.length != 4) {
                throw new IllegalArgumentException(text + " is not an IPv4 address");
            }
            return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text + " is not an IPv4 address", e);
        }
    }

    private static String text(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "."
                + (address & 0xff);
    }
}
