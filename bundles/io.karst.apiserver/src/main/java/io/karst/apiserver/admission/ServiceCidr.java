package io.karst.apiserver.admission;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Small arithmetic on the service network. */
public final class ServiceCidr {
    private ServiceCidr() {
    }

    /** The first host address of an IPv4 CIDR: the kubernetes Service's ClusterIP ({@code 10.43.0.1}). */
    public static String firstHost(String cidr) {
        String[] parts = cidr.split("/");
        try {
            byte[] address = InetAddress.getByName(parts[0]).getAddress();
            int bits = Integer.parseInt(parts[1]);
            int width = address.length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(width - bits).subtract(BigInteger.ONE).not()
                    .and(BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE));
            BigInteger first = new BigInteger(1, address).and(mask).add(BigInteger.ONE);
            byte[] raw = first.toByteArray();
            byte[] out = new byte[address.length];
            System.arraycopy(raw, Math.max(0, raw.length - out.length), out, Math.max(0, out.length - raw.length),
                    Math.min(out.length, raw.length));
            return InetAddress.getByAddress(out).getHostAddress();
        } catch (UnknownHostException | RuntimeException e) {
            throw new IllegalArgumentException("invalid service CIDR " + cidr, e);
        }
    }
}
