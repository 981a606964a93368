package io.karst.apiserver.validation;

import io.karst.apiserver.selection.LabelValidation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Upstream's string format checks ({@code k8s.io/apimachinery/pkg/util/validation}). Each returns the list of
 * messages explaining what is wrong, empty when the value is fine. Lengths are counted in bytes, as upstream does.
 */
public final class Formats {
    public static final int DNS1123_LABEL_MAX = 63;
    public static final int DNS1123_SUBDOMAIN_MAX = 253;
    public static final int DNS1035_LABEL_MAX = 63;
    public static final int LABEL_VALUE_MAX = 63;
    public static final int QUALIFIED_NAME_MAX = 63;

    private static final String QNAME_CHAR = "[A-Za-z0-9]";
    private static final String QNAME_EXT_CHAR = "[-A-Za-z0-9_.]";
    static final String QUALIFIED_NAME_FMT = "(" + QNAME_CHAR + QNAME_EXT_CHAR + "*)?" + QNAME_CHAR;
    private static final String QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', "
            + "and must start and end with an alphanumeric character";

    private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
    private static final String LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric "
            + "characters, '-', '_' or '.', and must start and end with an alphanumeric character";

    static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case "
            + "alphanumeric characters or '-', and must start and end with an alphanumeric character";

    static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
    private static final String DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case "
            + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    private static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1035_LABEL_MSG = "a DNS-1035 label must consist of lower case alphanumeric "
            + "characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    private static final Pattern DNS1035_LABEL = Pattern.compile("^" + DNS1035_LABEL_FMT + "$");

    private static final String WILDCARD_SUBDOMAIN_FMT = "\\*\\." + DNS1123_SUBDOMAIN_FMT;
    private static final String WILDCARD_SUBDOMAIN_MSG = "a wildcard DNS-1123 subdomain must start with '*.', "
            + "followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' "
            + "and end with an alphanumeric character";
    private static final Pattern WILDCARD_SUBDOMAIN = Pattern.compile("^" + WILDCARD_SUBDOMAIN_FMT + "$");

    private static final String C_IDENTIFIER_FMT = "[A-Za-z_][A-Za-z0-9_]*";

    private static final String CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+";
    private static final String CONFIG_MAP_KEY_MSG = "a valid config key must consist of alphanumeric characters, "
            + "'-', '_' or '.'";
    private static final Pattern CONFIG_MAP_KEY = Pattern.compile("^" + CONFIG_MAP_KEY_FMT + "$");

    private static final String PERCENT_FMT = "[0-9]+%";
    private static final Pattern PERCENT = Pattern.compile("^" + PERCENT_FMT + "$");

    private static final String HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+";
    private static final Pattern HTTP_HEADER_NAME = Pattern.compile("^" + HTTP_HEADER_NAME_FMT + "$");

    private static final Pattern PORT_NAME_CHARSET = Pattern.compile("^[-a-z0-9]+$");
    private static final Pattern PORT_NAME_ONE_LETTER = Pattern.compile("[a-z]");

    private Formats() {
    }

    static int byteLength(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    public static String maxLenError(int length) {
        return "must be no more than " + length + " characters";
    }

    public static String regexError(String msg, String fmt, String... examples) {
        if (examples.length == 0) {
            return msg + " (regex used for validation is '" + fmt + "')";
        }
        StringBuilder sb = new StringBuilder(msg).append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            if (i > 0) {
                sb.append(" or ");
            }
            sb.append('\'').append(examples[i]).append("', ");
        }
        return sb.append("regex used for validation is '").append(fmt).append("')").toString();
    }

    public static String emptyError() {
        return "must be non-empty";
    }

    public static String inclusiveRangeError(long lo, long hi) {
        return "must be between " + lo + " and " + hi + ", inclusive";
    }

    /**
     * A label key, annotation key or finalizer: optional DNS-subdomain prefix and '/', then a short name. The four
     * name checks are the selection package's linear scans, so a huge selector or label cannot make them slow.
     */
    public static List<String> qualifiedName(String value) {
        return LabelValidation.qualifiedNameErrors(value);
    }

    public static List<String> labelValue(String value) {
        return LabelValidation.labelValueErrors(value);
    }

    public static List<String> dns1123Label(String value) {
        return LabelValidation.dns1123LabelErrors(value);
    }

    public static List<String> dns1123Subdomain(String value) {
        return LabelValidation.dns1123SubdomainErrors(value);
    }

    public static List<String> dns1035Label(String value) {
        List<String> errs = new ArrayList<>();
        if (byteLength(value) > DNS1035_LABEL_MAX) {
            errs.add(maxLenError(DNS1035_LABEL_MAX));
        }
        if (!DNS1035_LABEL.matcher(value).matches()) {
            errs.add(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"));
        }
        return errs;
    }

    public static List<String> wildcardDns1123Subdomain(String value) {
        List<String> errs = new ArrayList<>();
        if (byteLength(value) > DNS1123_SUBDOMAIN_MAX) {
            errs.add(maxLenError(DNS1123_SUBDOMAIN_MAX));
        }
        if (!WILDCARD_SUBDOMAIN.matcher(value).matches()) {
            errs.add(regexError(WILDCARD_SUBDOMAIN_MSG, WILDCARD_SUBDOMAIN_FMT, "*.example.com"));
        }
        return errs;
    }

    public static List<String> cIdentifier(String value) {
        if (value.matches("^" + C_IDENTIFIER_FMT + "$")) {
            return List.of();
        }
        return List.of(regexError("a valid C identifier must start with alphabetic character or '_', followed by a "
                + "string of alphanumeric characters or '_'", C_IDENTIFIER_FMT, "my_name", "MY_NAME", "MyName"));
    }

    public static List<String> portNumber(long port) {
        return port >= 1 && port <= 65535 ? List.of() : List.of(inclusiveRangeError(1, 65535));
    }

    public static List<String> portName(String port) {
        List<String> errs = new ArrayList<>();
        if (byteLength(port) > 15) {
            errs.add(maxLenError(15));
        }
        if (!PORT_NAME_CHARSET.matcher(port).matches()) {
            errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (!PORT_NAME_ONE_LETTER.matcher(port).find()) {
            errs.add("must contain at least one letter (a-z)");
        }
        if (port.contains("--")) {
            errs.add("must not contain consecutive hyphens");
        }
        if (!port.isEmpty() && (port.charAt(0) == '-' || port.charAt(port.length() - 1) == '-')) {
            errs.add("must not begin or end with a hyphen");
        }
        return errs;
    }

    public static List<String> percent(String value) {
        return PERCENT.matcher(value).matches() ? List.of()
                : List.of(regexError("a valid percent string must be a numeric string followed by an ending '%'",
                        PERCENT_FMT, "1%", "93%"));
    }

    public static List<String> httpHeaderName(String value) {
        return HTTP_HEADER_NAME.matcher(value).matches() ? List.of()
                : List.of(regexError("a valid HTTP header must consist of alphanumeric characters or '-'",
                        HTTP_HEADER_NAME_FMT, "X-Header-Name"));
    }

    /**
     * Environment variable names as Kubernetes 1.33 checks them: the RelaxedEnvironmentVariableValidation gate is
     * on by default there, so any printable ASCII except '=' is accepted.
     */
    public static List<String> relaxedEnvVarName(String value) {
        List<String> errs = new ArrayList<>();
        if (value.isEmpty()) {
            errs.add("environment variable name " + emptyError());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0x7e || c < 0x20 || c == '=') {
                errs.add("a valid environment variable name must consist only of printable ASCII characters "
                        + "other than '='");
                break;
            }
        }
        return errs;
    }

    public static List<String> configMapKey(String value) {
        List<String> errs = new ArrayList<>();
        if (byteLength(value) > DNS1123_SUBDOMAIN_MAX) {
            errs.add(maxLenError(DNS1123_SUBDOMAIN_MAX));
        }
        if (!CONFIG_MAP_KEY.matcher(value).matches()) {
            errs.add(regexError(CONFIG_MAP_KEY_MSG, CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"));
        }
        if (value.equals(".")) {
            errs.add("must not be '.'");
        } else if (value.equals("..")) {
            errs.add("must not be '..'");
        } else if (value.startsWith("..")) {
            errs.add("must not start with '..'");
        }
        return errs;
    }

    /** Upstream's path-segment rule for names that appear as one URL path segment. */
    public static List<String> pathSegmentName(String name) {
        if (name.equals(".") || name.equals("..")) {
            return List.of("may not be '" + name + "'");
        }
        return pathSegmentPrefix(name);
    }

    public static List<String> pathSegmentPrefix(String name) {
        List<String> errs = new ArrayList<>();
        for (String bad : new String[] {"/", "%"}) {
            if (name.contains(bad)) {
                errs.add("may not contain '" + bad + "'");
            }
        }
        return errs;
    }
}
