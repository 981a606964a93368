package io.karst.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import org.bouncycastle.util.IPAddress;

/** IP address literals, parsed without ever asking DNS (InetAddress would resolve a host name). */
public final class IpLiterals {
    private IpLiterals() {
    }

    /** The address when {@code text} is an IPv4 or IPv6 literal, else empty. */
    public static Optional<InetAddress> parse(String text) {
        String literal = text.strip();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        if (!IPAddress.isValidIPv4(literal) && !IPAddress.isValidIPv6(literal)) {
            return Optional.empty();
        }
        try {
            // A validated literal: getByName only converts it, no lookup happens.
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
