package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

/** IP address checks with upstream's messages ({@code IsValidIP}, {@code ValidateNonSpecialIP}). */
public final class IpAddresses {
    private IpAddresses() {
    }

    /** The 16 or 4 bytes of an address, or null. Leading zeros in IPv4 parts are tolerated, as Go's sloppy parser does. */
    public static int[] parseSloppy(String s) {
        if (s.contains(":")) {
            return parse6(s);
        }
        return parse4(s, true);
    }

    private static int[] parse4(String s, boolean allowLeadingZeros) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return null;
            }
            if (!allowLeadingZeros && p.length() > 1 && p.charAt(0) == '0') {
                return null;
            }
            out[i] = Integer.parseInt(p);
            if (out[i] > 255) {
                return null;
            }
        }
        return out;
    }

    private static int[] parse6(String s) {
        int dbl = s.indexOf("::");
        if (dbl != s.lastIndexOf("::") && dbl >= 0) {
            return null;
        }
        List<Integer> head = new ArrayList<>();
        List<Integer> tail = new ArrayList<>();
        String[] halves = dbl >= 0 ? new String[] {s.substring(0, dbl), s.substring(dbl + 2)} : new String[] {s};
        for (int h = 0; h < halves.length; h++) {
            List<Integer> target = h == 0 ? head : tail;
            if (halves[h].isEmpty()) {
                continue;
            }
            String[] groups = halves[h].split(":", -1);
            for (int g = 0; g < groups.length; g++) {
                String grp = groups[g];
                if (grp.contains(".") && g == groups.length - 1 && h == halves.length - 1) {
                    int[] v4 = parse4(grp, false);
                    if (v4 == null) {
                        return null;
                    }
                    target.add(v4[0] << 8 | v4[1]);
                    target.add(v4[2] << 8 | v4[3]);
                    continue;
                }
                if (grp.isEmpty() || grp.length() > 4 || !grp.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    return null;
                }
                target.add(Integer.parseInt(grp, 16));
            }
        }
        int missing = 8 - head.size() - tail.size();
        if (dbl < 0 && missing != 0 || dbl >= 0 && missing < 1) {
            return null;
        }
        int[] out = new int[16];
        List<Integer> all = new ArrayList<>(head);
        for (int i = 0; i < missing && dbl >= 0; i++) {
            all.add(0);
        }
        all.addAll(tail);
        for (int i = 0; i < 8; i++) {
            out[2 * i] = all.get(i) >> 8;
            out[2 * i + 1] = all.get(i) & 0xff;
        }
        return out;
    }

    /** Go's {@code net.IP.String()}: dotted quad, or RFC 5952 text (IPv4-mapped addresses print as IPv4). */
    public static String canonical(int[] ip) {
        if (ip.length == 4) {
            return ip[0] + "." + ip[1] + "." + ip[2] + "." + ip[3];
        }
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= ip[i] == 0;
        }
        if (mapped && ip[10] == 0xff && ip[11] == 0xff) {
            return ip[12] + "." + ip[13] + "." + ip[14] + "." + ip[15];
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ip[2 * i] << 8 | ip[2 * i + 1];
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8;) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** Upstream's strict {@code IsValidIP}. */
    public static List<FieldError> validIp(FieldPath path, String value) {
        int[] ip = parseSloppy(value);
        if (ip == null) {
            return List.of(FieldError.invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
        }
        List<FieldError> errs = new ArrayList<>();
        if (!value.contains(":") && parse4(value, false) == null) {
            errs.add(FieldError.invalid(path, value, "must not have leading 0s"));
        }
        if (value.contains(":") && value.contains(".") && canonical(ip).indexOf(':') < 0) {
            errs.add(FieldError.invalid(path, value, "must not be an IPv4-mapped IPv6 address"));
        }
        if (!errs.isEmpty()) {
            return errs;
        }
        String canon = canonical(ip);
        if (!canon.equals(value)) {
            errs.add(FieldError.invalid(path, value, "must be in canonical form (" + GoValues.quote(canon) + ")"));
        }
        return errs;
    }

    /** Upstream's {@code ValidateNonSpecialIP}: no unspecified, loopback or link-local addresses. */
    public static List<FieldError> nonSpecialIp(FieldPath path, String value) {
        int[] ip = parseSloppy(value);
        if (ip == null) {
            return List.of(FieldError.invalid(path, value, "must be a valid IP address"));
        }
        List<FieldError> errs = new ArrayList<>();
        boolean v4 = ip.length == 4;
        boolean allZero = true;
        for (int b : ip) {
            allZero &= b == 0;
        }
        if (allZero) {
            errs.add(FieldError.invalid(path, value, "may not be unspecified (" + value + ")"));
        }
        boolean loopback = v4 ? ip[0] == 127 : isV6Loopback(ip);
        if (loopback) {
            errs.add(FieldError.invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
        }
        boolean linkLocal = v4 ? ip[0] == 169 && ip[1] == 254 : ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80;
        if (linkLocal) {
            errs.add(FieldError.invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
        }
        boolean llMulticast = v4 ? ip[0] == 224 && ip[1] == 0 && ip[2] == 0 : ip[0] == 0xff && (ip[1] & 0x0f) == 0x02;
        if (llMulticast) {
            errs.add(FieldError.invalid(path, value,
                    "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
        }
        return errs;
    }

    private static boolean isV6Loopback(int[] ip) {
        for (int i = 0; i < 15; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[15] == 1;
    }
}
