package io.karst.apiserver.authorization;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.AuthorizationDecision;
import io.karst.api.security.UserInfo;
import io.karst.apiserver.validation.Formats;

/**
 * Upstream's impersonation filter: a request carrying {@code Impersonate-User}, {@code Impersonate-Group},
 * {@code Impersonate-Uid} or {@code Impersonate-Extra-<key>} headers is served as the identity they name, once
 * the authenticated user has been allowed the verb {@code impersonate} on each part of it (users, groups,
 * serviceaccounts in group "", uids and userextras/&lt;key&gt; in authentication.k8s.io). It runs after
 * authentication and before authorization, so RBAC, access reviews and the write path see only the new identity.
 */
public final class Impersonation {
    static final String USER_HEADER = "impersonate-user";
    static final String GROUP_HEADER = "impersonate-group";
    static final String UID_HEADER = "impersonate-uid";
    static final String EXTRA_PREFIX = "impersonate-extra-";
    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
    private static final String AUTHENTICATION_GROUP = "authentication.k8s.io";
    private static final String AUTHENTICATED = "system:authenticated";
    private static final String UNAUTHENTICATED = "system:unauthenticated";
    private static final String ANONYMOUS = "system:anonymous";

    /**
     * What the filter decided: the identity to serve the request as (the requestor's own when nothing was asked
     * for), or the 403 for the first part refused, or the 500 upstream answers for malformed headers.
     */
    public record Outcome(UserInfo user, AuthorizationAttributes refused, String reason, String malformed) {
        public boolean allowed() {
            return user != null;
        }
    }

    /** One thing asked to be impersonated, as upstream's ObjectReference (kind, namespace, name, field path). */
    private record Part(String kind, String namespace, String name, String apiVersion, String fieldPath) {
        /** Go's {@code %v} of a v1.ObjectReference, which upstream's error message prints. */
        String goValue() {
            return "{" + kind + " " + namespace + " " + name + "  " + apiVersion + "  " + fieldPath + "}";
        }
    }

    private final AuthorizationChain authorization;

    public Impersonation(AuthorizationChain authorization) {
        this.authorization = authorization;
    }

    /** Whether any impersonation header is present (the common case, none, costs one pass over the headers). */
    public static boolean requested(List<Map.Entry<String, String>> headers) {
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals(USER_HEADER) || name.equals(GROUP_HEADER) || name.equals(UID_HEADER)
                    || name.startsWith(EXTRA_PREFIX)) {
                return true;
            }
        }
        return false;
    }

    /** The identity {@code requestor} acts as for a request with these headers (names in any case). */
    public Outcome actAs(UserInfo requestor, List<Map.Entry<String, String>> headers) {
        List<Part> parts = new ArrayList<>();
        String requestedUser = first(headers, USER_HEADER);
        boolean hasUser = !requestedUser.isEmpty();
        if (hasUser) {
            String[] serviceAccount = splitServiceAccount(requestedUser);
            parts.add(serviceAccount != null ? new Part("ServiceAccount", serviceAccount[0], serviceAccount[1], "", "")
                    : new Part("User", "", requestedUser, "", ""));
        }
        boolean groupsSpecified = false;
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(GROUP_HEADER)) {
                groupsSpecified = true;
                parts.add(new Part("Group", "", h.getValue(), "", ""));
            }
        }
        boolean hasExtra = false;
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(EXTRA_PREFIX)) {
                hasExtra = true;
                parts.add(new Part("UserExtra", "", h.getValue(), AUTHENTICATION_GROUP + "/v1",
                        unescapeExtraKey(name.substring(EXTRA_PREFIX.length()))));
            }
        }
        String requestedUid = first(headers, UID_HEADER);
        boolean hasUid = !requestedUid.isEmpty();
        if (hasUid) {
            parts.add(new Part("UID", "", requestedUid, AUTHENTICATION_GROUP + "/v1", ""));
        }
        if (parts.isEmpty()) {
            return new Outcome(requestor, null, null, null);
        }
        if ((groupsSpecified || hasExtra || hasUid) && !hasUser) {
            return new Outcome(null, null, null, "requested "
                    + parts.stream().map(Part::goValue).collect(Collectors.joining(" ", "[", "]"))
                    + " without impersonating a user");
        }

        String username = "";
        String uid = "";
        List<String> groups = new ArrayList<>();
        Map<String, List<String>> extra = new LinkedHashMap<>();
        for (Part part : parts) {
            String group = part.apiVersion().isEmpty() ? "" : AUTHENTICATION_GROUP;
            String version = part.apiVersion().isEmpty() ? "" : "v1";
            String resource;
            String subresource = "";
            switch (part.kind()) {
                case "ServiceAccount" -> {
                    resource = "serviceaccounts";
                    username = SERVICE_ACCOUNT_PREFIX + part.namespace() + ":" + part.name();
                    if (!groupsSpecified) {
                        // a service account's groups are a fixed mapping of its namespace
                        groups = new ArrayList<>(List.of("system:serviceaccounts",
                                "system:serviceaccounts:" + part.namespace()));
                    }
                }
                case "User" -> {
                    resource = "users";
                    username = part.name();
                }
                case "Group" -> {
                    resource = "groups";
                    groups.add(part.name());
                }
                case "UserExtra" -> {
                    resource = "userextras";
                    subresource = part.fieldPath();
                    extra.computeIfAbsent(part.fieldPath(), k -> new ArrayList<>()).add(part.name());
                }
                default -> {
                    resource = "uids";
                    uid = part.name();
                }
            }
            AuthorizationAttributes actingAs = AuthorizationAttributes.resource(requestor, "impersonate", group,
                    version, resource, subresource, part.namespace(), part.name());
            AuthorizationDecision decision = authorization.authorize(actingAs);
            if (!decision.allowed()) {
                return new Outcome(null, actingAs, decision.reason(), null);
            }
        }
        if (!username.equals(ANONYMOUS)) {
            // an impersonated user is authenticated unless system:unauthenticated was asked for explicitly
            if (!groups.contains(AUTHENTICATED) && !groups.contains(UNAUTHENTICATED)) {
                groups.add(AUTHENTICATED);
            }
        } else if (!groups.contains(UNAUTHENTICATED)) {
            groups.add(UNAUTHENTICATED);
        }
        return new Outcome(new UserInfo(username, uid, groups, extra), null, null, null);
    }

    private static String first(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue() == null ? "" : h.getValue();
            }
        }
        return "";
    }

    /** {@code system:serviceaccount:<ns>:<name>} with a valid namespace and name, as upstream's SplitUsername. */
    private static String[] splitServiceAccount(String username) {
        if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
            return null;
        }
        String[] parts = username.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", -1);
        if (parts.length != 2 || !Formats.dns1123Label(parts[0]).isEmpty()
                || !Formats.dns1123Subdomain(parts[1]).isEmpty()) {
            return null;
        }
        return parts;
    }

    /**
     * Header names cannot carry every character of an extra key, so clients percent-encode it; a key that does
     * not decode is kept as sent, as upstream keeps it.
     */
    static String unescapeExtraKey(String encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    return encoded;
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return encoded;
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
