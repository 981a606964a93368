package io.karst.launcher.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Strict IP literal and CIDR parsing. Never resolves names: {@link InetAddress#getByName} is called only on text
 * that contains a colon, which the JDK treats as an IPv6 literal without a lookup.
 */
final class IpAddresses {

    /** An address family, by the bit length of its addresses. */
    enum Family {
        IPV4(32), IPV6(128);

        final int bits;

        Family(int bits) {
            this.bits = bits;
        }
    }

    private IpAddresses() {
    }

    /** The family of an IP literal such as {@code 10.0.0.1} or {@code fd00::1}; empty when it is not one. */
    static Optional<Family> family(String text) {
        if (isIpv4(text)) {
            return Optional.of(Family.IPV4);
        }
        return isIpv6(text) ? Optional.of(Family.IPV6) : Optional.empty();
    }

    /** The family of a CIDR such as {@code 10.42.0.0/16}; empty when it is not one. */
    static Optional<Family> cidrFamily(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        String bits = text.substring(slash + 1);
        if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        int prefix = Integer.parseInt(bits);
        return family(text.substring(0, slash)).filter(f -> prefix <= f.bits);
    }

    private static boolean isIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            // Leading zeros are refused as Go's net.ParseIP refuses them: "010" could mean octal to some tools.
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String text) {
        if (text.indexOf(':') < 0 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return false;
        }
        try {
            // The result may be an Inet4Address (for ::ffff:10.0.0.1) but the text is an IPv6 literal either way.
            InetAddress.getByName(text);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
