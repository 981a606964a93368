package io.karst.apiserver.table;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Printers of the cluster-level groups: RBAC bindings, leases, scheduling, node, admission registration,
 * certificates and flow control.
 */
final class ClusterPrinters {
    private ClusterPrinters() {
    }

    /** ROLE is {@code Kind/name}; the wide USERS, GROUPS and SERVICEACCOUNTS list the subjects by kind. */
    static TablePrinter roleBindings(boolean cluster) {
        String what = cluster ? "clusterRoleBinding" : "roleBinding";
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.string("Role", (cluster ? "ClusterRoleBinding" : "RoleBinding") + ".roleRef"),
                Column.age(),
                Column.described("Users", "string", "Users in the " + what).wide(),
                Column.described("Groups", "string", "Groups in the " + what).wide(),
                Column.described("ServiceAccounts", "string", "ServiceAccounts in the " + what).wide()), (o, now) -> {
                    List<String> users = new ArrayList<>();
                    List<String> groups = new ArrayList<>();
                    List<String> serviceAccounts = new ArrayList<>();
                    for (JsonNode subject : Fields.list(o, "subjects")) {
                        String name = Fields.text(subject, "name");
                        switch (Fields.text(subject, "kind")) {
                            case "ServiceAccount" -> serviceAccounts.add(Fields.text(subject, "namespace") + "/" + name);
                            case "User" -> users.add(name);
                            case "Group" -> groups.add(name);
                            default -> {
                                // other kinds are not shown
                            }
                        }
                    }
                    return List.of(Fields.name(o),
                            Fields.text(o, "roleRef", "kind") + "/" + Fields.text(o, "roleRef", "name"),
                            Fields.age(o, now), String.join(", ", users), String.join(", ", groups),
                            String.join(", ", serviceAccounts));
                });
    }

    static TablePrinter leases() {
        return TablePrinter.of(List.of(Column.nameColumn(), Column.string("Holder", "LeaseSpec.holderIdentity"),
                Column.age()), (o, now) -> List.of(Fields.name(o), Fields.text(o, "spec", "holderIdentity"),
                        Fields.age(o, now)));
    }

    static TablePrinter priorityClasses() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.of("Value", "integer", "PriorityClass.value"),
                Column.of("Global-Default", "boolean", "PriorityClass.globalDefault"),
                Column.age(),
                Column.string("PreemptionPolicy", "PriorityClass.preemptionPolicy")), (o, now) -> List.of(
                        Fields.name(o), Fields.integer(o, "value"), Fields.bool(o, "globalDefault"), Fields.age(o, now),
                        Fields.text(o, "preemptionPolicy")));
    }

    /** HANDLER's description looks up a key ObjectMeta lacks upstream, so it is empty there too. */
    static TablePrinter runtimeClasses() {
        return TablePrinter.of(List.of(Column.nameColumn(), Column.described("Handler", "string", ""), Column.age()),
                (o, now) -> List.of(Fields.name(o), Fields.text(o, "handler"), Fields.age(o, now)));
    }

    static TablePrinter webhookConfigurations() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Webhooks", "integer",
                        "Webhooks indicates the number of webhooks registered in this configuration"),
                Column.age()), (o, now) -> List.of(Fields.name(o), (long) Fields.size(o, "webhooks"),
                        Fields.age(o, now)));
    }

    static TablePrinter validatingAdmissionPolicies() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("Validations", "integer",
                        "Validations indicates the number of validation rules defined in this configuration"),
                Column.described("ParamKind", "string",
                        "ParamKind specifies the kind of resources used to parameterize this policy"),
                Column.age()), (o, now) -> {
                    JsonNode paramKind = o.path("spec").path("paramKind");
                    String kind = paramKind.isObject()
                            ? Fields.text(paramKind, "apiVersion") + "/" + Fields.text(paramKind, "kind") : "<unset>";
                    return List.of(Fields.name(o), (long) Fields.size(o, "spec", "validations"), kind,
                            Fields.age(o, now));
                });
    }

    static TablePrinter validatingAdmissionPolicyBindings() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.described("PolicyName", "string",
                        "PolicyName indicates the policy definition which the policy binding binded to"),
                Column.described("ParamRef", "string",
                        "ParamRef indicates the param resource which sets the configration param"),
                Column.age()), (o, now) -> {
                    JsonNode ref = o.path("spec").path("paramRef");
                    String param = "<unset>";
                    if (ref.isObject()) {
                        String name = Fields.text(ref, "name");
                        if (!name.isEmpty()) {
                            // without a namespace upstream cannot tell a cluster-scoped param, so it shows */name
                            String ns = Fields.text(ref, "namespace");
                            param = (ns.isEmpty() ? "*" : ns) + "/" + name;
                        } else if (Fields.present(ref, "selector")) {
                            param = Formats.selectorStringOrError(ref.path("selector"));
                        }
                    }
                    return List.of(Fields.name(o), Fields.text(o, "spec", "policyName"), param, Fields.age(o, now));
                });
    }

    static TablePrinter certificateSigningRequests() {
        return TablePrinter.of(List.of(Column.nameColumn(), Column.age(),
                Column.string("SignerName", "CertificateSigningRequestSpec.signerName"),
                Column.string("Requestor", "CertificateSigningRequestSpec.request"),
                Column.string("RequestedDuration", "CertificateSigningRequestSpec.expirationSeconds"),
                Column.string("Condition", "CertificateSigningRequestStatus.conditions")), (o, now) -> {
                    JsonNode spec = o.path("spec");
                    String signer = Fields.text(spec, "signerName");
                    String duration = Fields.present(spec, "expirationSeconds")
                            ? HumanDuration.format(Duration.ofSeconds(Fields.integer(spec, "expirationSeconds")))
                            : Formats.NONE;
                    return List.of(Fields.name(o), Fields.age(o, now), signer.isEmpty() ? Formats.NONE : signer,
                            Fields.text(spec, "username"), duration, csrCondition(o));
                });
    }

    /** Denied before Approved before Pending, then {@code ,Failed} and {@code ,Issued}. */
    static String csrCondition(ObjectNode csr) {
        boolean approved = false;
        boolean denied = false;
        boolean failed = false;
        for (JsonNode c : Fields.list(csr, "status", "conditions")) {
            switch (Fields.text(c, "type")) {
                case "Approved" -> approved = true;
                case "Denied" -> denied = true;
                case "Failed" -> failed = true;
                default -> {
                }
            }
        }
        String status = denied ? "Denied" : approved ? "Approved" : "Pending";
        if (failed) {
            status += ",Failed";
        }
        if (!Fields.text(csr, "status", "certificate").isEmpty()) {
            status += ",Issued";
        }
        return status;
    }

    /** FlowSchemas list in evaluation order: matching precedence, then name. */
    static TablePrinter flowSchemas() {
        TablePrinter cells = TablePrinter.of(List.of(Column.nameColumn(),
                Column.string("PriorityLevel", "PriorityLevelConfigurationReference.name"),
                Column.string("MatchingPrecedence", "FlowSchemaSpec.matchingPrecedence"),
                Column.string("DistinguisherMethod", "FlowSchemaSpec.distinguisherMethod"),
                Column.age(),
                Column.described("MissingPL", "string",
                        "references a broken or non-existent PriorityLevelConfiguration")), (o, now) -> {
                    JsonNode spec = o.path("spec");
                    String distinguisher = Fields.present(spec, "distinguisherMethod")
                            ? Fields.text(spec, "distinguisherMethod", "type") : Formats.NONE;
                    String missing = "?";
                    for (JsonNode c : Fields.list(o, "status", "conditions")) {
                        if ("Dangling".equals(Fields.text(c, "type"))) {
                            missing = Fields.text(c, "status");
                            break;
                        }
                    }
                    return List.of(Fields.name(o), Fields.text(spec, "priorityLevelConfiguration", "name"),
                            Fields.integer(spec, "matchingPrecedence"), distinguisher, Fields.age(o, now), missing);
                });
        return new TablePrinter() {
            @Override
            public List<Column> columnDefinitions() {
                return cells.columnDefinitions();
            }

            @Override
            public List<Object> cells(ObjectNode obj, java.time.Instant now) {
                return cells.cells(obj, now);
            }

            @Override
            public Comparator<ObjectNode> rowOrder() {
                return Comparator.<ObjectNode>comparingLong(o -> Fields.integer(o, "spec", "matchingPrecedence"))
                        .thenComparing(Fields::name);
            }
        };
    }

    /** Limited levels show their shares and queuing; exempt ones {@code <none>}. */
    static TablePrinter priorityLevelConfigurations() {
        return TablePrinter.of(List.of(Column.nameColumn(),
                Column.string("Type", "PriorityLevelConfigurationSpec.type"),
                Column.string("NominalConcurrencyShares", "LimitedPriorityLevelConfiguration.nominalConcurrencyShares"),
                Column.string("Queues", "QueuingConfiguration.queues"),
                Column.string("HandSize", "QueuingConfiguration.handSize"),
                Column.string("QueueLengthLimit", "QueuingConfiguration.queueLengthLimit"),
                Column.age()), (o, now) -> {
                    JsonNode spec = o.path("spec");
                    Object shares = Formats.NONE;
                    Object queues = Formats.NONE;
                    Object handSize = Formats.NONE;
                    Object queueLengthLimit = Formats.NONE;
                    JsonNode limited = spec.path("limited");
                    if (limited.isObject()) {
                        shares = Fields.integer(limited, "nominalConcurrencyShares");
                        JsonNode queuing = limited.path("limitResponse").path("queuing");
                        if (queuing.isObject()) {
                            queues = Fields.integer(queuing, "queues");
                            handSize = Fields.integer(queuing, "handSize");
                            queueLengthLimit = Fields.integer(queuing, "queueLengthLimit");
                        }
                    }
                    return List.of(Fields.name(o), Fields.text(spec, "type"), shares, queues, handSize,
                            queueLengthLimit, Fields.age(o, now));
                });
    }
}
