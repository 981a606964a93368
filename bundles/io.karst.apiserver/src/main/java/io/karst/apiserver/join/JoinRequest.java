package io.karst.apiserver.join;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The body of a node-join request, validated field by field; a failure names the field as upstream's field
 * errors do ({@code addresses[1]: ...}).
 *
 * @param nodeName the node's name, a DNS-1123 subdomain short enough for its password Secret's name
 * @param nodePassword the node's password ({@code /etc/karst/node/password} on the agent)
 * @param addresses the node's IP addresses, for the serving certificate
 * @param hostnames further DNS names of the node, for the serving certificate
 * @param clientKey the public key of the kubelet's client certificate
 * @param servingKey the public key of the kubelet's serving certificate
 */
record JoinRequest(String nodeName, String nodePassword, List<InetAddress> addresses, List<String> hostnames,
        PublicKey clientKey, PublicKey servingKey) {
    /** The password Secret's name adds {@value NodePasswords#SECRET_SUFFIX} and must stay within 253 characters. */
    static final int MAX_NODE_NAME = 253 - NodePasswords.SECRET_SUFFIX.length();
    private static final int MAX_PASSWORD = 1024;
    private static final Pattern SUBDOMAIN = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9a-fA-F:.]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    JoinRequest {
        addresses = List.copyOf(addresses);
        hostnames = List.copyOf(hostnames);
    }

    static JoinRequest parse(byte[] body) throws JoinFailure {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new JoinFailure(400, "BadRequest", "the request body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new JoinFailure(400, "BadRequest", "the request body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new JoinFailure(400, "BadRequest", "the request body must be a JSON object with nodeName, "
                    + "nodePassword, addresses, hostnames, clientPublicKey and servingPublicKey");
        }
        String nodeName = requiredString(root, "nodeName");
        if (nodeName.length() > MAX_NODE_NAME || !SUBDOMAIN.matcher(nodeName).matches()) {
            throw JoinFailure.badRequest("nodeName", "\"" + nodeName + "\" is not a valid node name: it must be a "
                    + "lowercase RFC 1123 subdomain of at most " + MAX_NODE_NAME + " characters (a-z, 0-9, '-' and "
                    + "'.', starting and ending with a letter or digit); set one with --node-name");
        }
        String password = requiredString(root, "nodePassword");
        if (password.length() > MAX_PASSWORD) {
            throw JoinFailure.badRequest("nodePassword", "longer than " + MAX_PASSWORD + " characters");
        }
        List<InetAddress> addresses = new ArrayList<>();
        List<String> texts = stringArray(root, "addresses");
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            int index = i;
            addresses.add(ipLiteral(text).orElseThrow(
                    () -> JoinFailure.badRequest("addresses[" + index + "]", "\"" + text + "\" is not an IP address")));
        }
        List<String> hostnames = stringArray(root, "hostnames");
        for (int i = 0; i < hostnames.size(); i++) {
            String hostname = hostnames.get(i);
            if (hostname.length() > 253 || !SUBDOMAIN.matcher(hostname).matches()) {
                throw JoinFailure.badRequest("hostnames[" + i + "]", "\"" + hostname + "\" is not a valid DNS name "
                        + "(a lowercase RFC 1123 subdomain)");
            }
        }
        return new JoinRequest(nodeName, password, addresses, hostnames, publicKey(root, "clientPublicKey"),
                publicKey(root, "servingPublicKey"));
    }

    private static String requiredString(JsonNode root, String field) throws JoinFailure {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw JoinFailure.badRequest(field, "Required value");
        }
        if (!value.isTextual()) {
            throw JoinFailure.badRequest(field, "must be a string");
        }
        if (value.asText().isEmpty()) {
            throw JoinFailure.badRequest(field, "Required value: must not be empty");
        }
        return value.asText();
    }

    private static List<String> stringArray(JsonNode root, String field) throws JoinFailure {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw JoinFailure.badRequest(field, "must be an array of strings");
        }
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                throw JoinFailure.badRequest(field + "[" + i + "]", "must be a string");
            }
            strings.add(value.get(i).asText());
        }
        return strings;
    }

    /** An IPv4 or IPv6 literal, converted without any name lookup; zones ({@code %eth0}) are refused. */
    static java.util.Optional<InetAddress> ipLiteral(String text) {
        boolean v4 = IPV4.matcher(text).matches();
        if (!v4 && !(text.contains(":") && IPV6_CHARACTERS.matcher(text).matches())) {
            return java.util.Optional.empty();
        }
        try {
            // a literal, checked above: getByName converts it and asks no resolver
            return java.util.Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }

    /** A {@code PUBLIC KEY} PEM block (X.509 SubjectPublicKeyInfo) holding an EC or RSA key. */
    private static PublicKey publicKey(JsonNode root, String field) throws JoinFailure {
        String pem = requiredString(root, field).strip();
        String begin = "-----BEGIN PUBLIC KEY-----";
        String end = "-----END PUBLIC KEY-----";
        if (!pem.startsWith(begin) || !pem.endsWith(end)) {
            throw JoinFailure.badRequest(field, "must be one PEM block \"" + begin + "\" (an X.509 "
                    + "SubjectPublicKeyInfo holding an EC or RSA public key)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin.length(), pem.length() - end.length()));
        } catch (IllegalArgumentException e) {
            throw JoinFailure.badRequest(field, "the PEM block is not valid base64");
        }
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm: try the next
            }
        }
        throw JoinFailure.badRequest(field, "the PEM block holds no EC or RSA public key");
    }
}
