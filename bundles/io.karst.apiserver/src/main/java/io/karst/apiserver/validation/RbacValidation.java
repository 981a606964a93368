package io.karst.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Upstream's rbac.authorization.k8s.io/v1 rules: policy rules, role references and subjects. */
public final class RbacValidation {
    public static final String GROUP = "rbac.authorization.k8s.io";
    private static final FieldPath META = FieldPath.root("metadata");

    private RbacValidation() {
    }

    public static List<FieldError> role(ObjectNode role, boolean namespaced) {
        List<FieldError> errs = ObjectMetaValidation.validateGeneric(CoreValidation.meta(role), namespaced,
                NameRule.PATH_SEGMENT, META);
        List<ObjectNode> rules = Json.objects(role, "rules");
        for (int i = 0; i < rules.size(); i++) {
            errs.addAll(policyRule(rules.get(i), namespaced, FieldPath.root("rules").index(i)));
        }
        ObjectNode aggregation = Json.obj(role, "aggregationRule");
        if (!namespaced && aggregation != null) {
            List<ObjectNode> selectors = Json.objects(aggregation, "clusterRoleSelectors");
            if (selectors.isEmpty()) {
                errs.add(FieldError.required(FieldPath.root("aggregationRule", "clusterRoleSelectors"),
                        "at least one clusterRoleSelector required if aggregationRule is non-nil"));
            }
            for (int i = 0; i < selectors.size(); i++) {
                errs.addAll(LabelSelectors.validate(selectors.get(i),
                        FieldPath.root("aggregationRule", "clusterRoleSelectors").index(i)));
            }
        }
        return errs;
    }

    private static List<FieldError> policyRule(ObjectNode rule, boolean namespaced, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (Json.list(rule, "verbs").isEmpty()) {
            errs.add(FieldError.required(path.child("verbs"), "verbs must contain at least one value"));
        }
        List<String> urls = Json.strings(rule, "nonResourceURLs");
        if (!urls.isEmpty()) {
            if (namespaced) {
                errs.add(FieldError.invalid(path.child("nonResourceURLs"), urls,
                        "namespaced rules cannot apply to non-resource URLs"));
            }
            if (!Json.list(rule, "apiGroups").isEmpty() || !Json.list(rule, "resources").isEmpty()
                    || !Json.list(rule, "resourceNames").isEmpty()) {
                errs.add(FieldError.invalid(path.child("nonResourceURLs"), urls,
                        "rules cannot apply to both regular resources and non-resource URLs"));
            }
            return errs;
        }
        if (Json.list(rule, "apiGroups").isEmpty()) {
            errs.add(FieldError.required(path.child("apiGroups"), "resource rules must supply at least one api group"));
        }
        if (Json.list(rule, "resources").isEmpty()) {
            errs.add(FieldError.required(path.child("resources"), "resource rules must supply at least one resource"));
        }
        return errs;
    }

    public static List<FieldError> roleUpdate(ObjectNode n, ObjectNode o, boolean namespaced) {
        List<FieldError> errs = role(n, namespaced);
        errs.addAll(ObjectMetaValidation.validateUpdateGeneric(CoreValidation.meta(n), CoreValidation.meta(o), META));
        return errs;
    }

    public static List<FieldError> binding(ObjectNode b, boolean namespaced) {
        List<FieldError> errs = ObjectMetaValidation.validateGeneric(CoreValidation.meta(b), namespaced,
                NameRule.PATH_SEGMENT, META);
        ObjectNode ref = Json.obj(b, "roleRef");
        FieldPath rp = FieldPath.root("roleRef");
        String apiGroup = Json.text(ref, "apiGroup");
        if (!apiGroup.equals(GROUP)) {
            errs.add(FieldError.notSupported(rp.child("apiGroup"), apiGroup, List.of(GROUP)));
        }
        String kind = Json.text(ref, "kind");
        List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
        if (!kinds.contains(kind)) {
            errs.add(FieldError.notSupported(rp.child("kind"), kind, kinds));
        }
        String name = Json.text(ref, "name");
        if (name.isEmpty()) {
            errs.add(FieldError.required(rp.child("name"), ""));
        } else {
            for (String msg : Formats.pathSegmentName(name)) {
                errs.add(FieldError.invalid(rp.child("name"), name, msg));
            }
        }
        List<ObjectNode> subjects = Json.objects(b, "subjects");
        for (int i = 0; i < subjects.size(); i++) {
            errs.addAll(subject(subjects.get(i), namespaced, FieldPath.root("subjects").index(i)));
        }
        return errs;
    }

    private static List<FieldError> subject(ObjectNode s, boolean namespaced, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        String name = Json.text(s, "name");
        String kind = Json.text(s, "kind");
        String apiGroup = Json.text(s, "apiGroup");
        if (name.isEmpty()) {
            errs.add(FieldError.required(path.child("name"), ""));
        }
        switch (kind) {
            case "ServiceAccount" -> {
                if (!name.isEmpty()) {
                    for (String msg : NameRule.DNS_SUBDOMAIN.check(name, false)) {
                        errs.add(FieldError.invalid(path.child("name"), name, msg));
                    }
                }
                if (!apiGroup.isEmpty()) {
                    errs.add(FieldError.notSupported(path.child("apiGroup"), apiGroup, List.of("")));
                }
                if (!namespaced && Json.text(s, "namespace").isEmpty()) {
                    errs.add(FieldError.required(path.child("namespace"), ""));
                }
            }
            case "User", "Group" -> {
                if (!apiGroup.equals(GROUP)) {
                    errs.add(FieldError.notSupported(path.child("apiGroup"), apiGroup, List.of(GROUP)));
                }
            }
            default -> errs.add(FieldError.notSupported(path.child("kind"), kind, List.of("ServiceAccount", "User", "Group")));
        }
        return errs;
    }

    public static List<FieldError> bindingUpdate(ObjectNode n, ObjectNode o, boolean namespaced) {
        List<FieldError> errs = binding(n, namespaced);
        errs.addAll(ObjectMetaValidation.validateUpdateGeneric(CoreValidation.meta(n), CoreValidation.meta(o), META));
        ObjectNode oldRef = Json.obj(o, "roleRef");
        if (oldRef != null && !oldRef.equals(Json.obj(n, "roleRef"))) {
            ObjectNode ref = Json.obj(n, "roleRef");
            errs.add(FieldError.invalid(FieldPath.root("roleRef"), new GoValues.Literal("rbac.RoleRef{APIGroup:"
                    + GoValues.quote(Json.text(ref, "apiGroup")) + ", Kind:" + GoValues.quote(Json.text(ref, "kind"))
                    + ", Name:" + GoValues.quote(Json.text(ref, "name")) + "}"), "cannot change roleRef"));
        }
        return errs;
    }
}
