package io.karst.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The service network ({@code --service-cidr}, one CIDR or a dual-stack pair separated by a comma). Its first
 * address belongs to the {@code kubernetes} Service, so the API serving certificate must name it.
 */
public final class ServiceNetwork {
    private ServiceNetwork() {
    }

    /** The first host address of each CIDR: 10.43.0.0/16 gives 10.43.0.1. */
    public static List<InetAddress> firstAddresses(String serviceCidrs) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String cidr : serviceCidrs.split(",")) {
            if (!cidr.isBlank()) {
                addresses.add(firstAddress(cidr.strip()));
            }
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("the service CIDR is empty");
        }
        return addresses;
    }

    /**
     * The first host address of one CIDR.
     *
     * @throws IllegalArgumentException when it is not {@code <ip literal>/<prefix>} or has no room for a host
     */
    public static InetAddress firstAddress(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("service CIDR '" + cidr + "' has no /prefix");
        }
        InetAddress base = IpLiterals.parse(cidr.substring(0, slash))
                .orElseThrow(() -> new IllegalArgumentException("service CIDR '" + cidr + "' has no IP address"));
        byte[] bytes = base.getAddress();
        int bits = bytes.length * 8;
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("service CIDR '" + cidr + "' has an invalid prefix", e);
        }
        // The last address of a range is never a usable first host, hence "bits - 1".
        if (prefix < 0 || prefix >= bits - 1) {
            throw new IllegalArgumentException("service CIDR '" + cidr + "' must have a prefix between 0 and "
                    + (bits - 2));
        }
        for (int bit = prefix; bit < bits; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        bytes[bytes.length - 1] |= 1;
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4 or 16 byte address is always valid", e);
        }
    }
}
