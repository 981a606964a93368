package io.karst.apiserver.authorization;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.api.security.UserInfo;

/** Whether a binding's subject names a user, as upstream's {@code appliesToUser}. */
final class BindingSubjects {
    private BindingSubjects() {
    }

    static boolean appliesTo(JsonNode binding, UserInfo user, String bindingNamespace) {
        for (JsonNode subject : binding.path("subjects")) {
            if (subjectIs(subject, user, bindingNamespace)) {
                return true;
            }
        }
        return false;
    }

    static boolean subjectIs(JsonNode subject, UserInfo user, String bindingNamespace) {
        String name = subject.path("name").asText();
        return switch (subject.path("kind").asText()) {
            case "User" -> user.name().equals(name);
            case "Group" -> user.groups().contains(name);
            case "ServiceAccount" -> {
                // A RoleBinding may leave the service account's namespace out: it then means its own namespace.
                String ns = subject.path("namespace").asText("");
                if (ns.isEmpty()) {
                    ns = bindingNamespace == null ? "" : bindingNamespace;
                }
                yield !ns.isEmpty() && user.name().equals("system:serviceaccount:" + ns + ":" + name);
            }
            default -> false;
        };
    }
}
