package io.karst.apiserver.selection;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which field labels a resource accepts in a field selector and how their values are read from an object. Mirrors
 * two upstream tables that must agree: the per-kind field label conversion functions
 * ({@code AddFieldLabelConversionFunc} in {@code pkg/apis/*}/v1), which decide what is accepted and with which
 * error, and the registries' {@code ToSelectableFields}, which decide the values. Where upstream accepts a label it
 * never fills ({@code status.podIPs} on pods) the value is empty, as upstream.
 *
 * <p>Resources without a conversion function upstream accept only {@code metadata.name} and
 * {@code metadata.namespace} — even cluster-scoped ones, where the namespace reads as empty. Notably apps/v1
 * ReplicaSets refuse {@code status.replicas} although the documentation lists it (upstream registers no function
 * for them; kubernetes issue 135136).
 */
public final class FieldSelectorSupport {
    private static final String NAME = "metadata.name";
    private static final String NAMESPACE = "metadata.namespace";

    private final Set<String> accepted;
    private final UnaryOperator<String> rename;
    private final Function<String, String> refusal;
    private final Map<String, Function<JsonNode, String>> fields;

    private FieldSelectorSupport(Set<String> accepted, UnaryOperator<String> rename, Function<String, String> refusal,
            Map<String, Function<JsonNode, String>> fields) {
        this.accepted = Collections.unmodifiableSet(accepted);
        this.rename = rename;
        this.refusal = refusal;
        this.fields = Collections.unmodifiableMap(fields);
    }

    /**
     * The support of a built-in resource, by API group ("" for core) and plural resource name. Unknown resources get
     * upstream's default: name and namespace only.
     */
    public static FieldSelectorSupport forResource(String group, String resource, boolean namespaced) {
        return switch (group + "/" + resource) {
            case "/pods" -> pods();
            case "/nodes" -> builder(false, FieldSelectorSupport::notSupported)
                    .field("spec.unschedulable", o -> bool(o.path("spec").path("unschedulable")))
                    .build(NAME, "spec.unschedulable");
            case "/replicationcontrollers" -> builder(true, FieldSelectorSupport::notSupported)
                    .field("status.replicas", o -> integer(o.path("status").path("replicas")))
                    .build(NAME, NAMESPACE, "status.replicas");
            case "/events" -> events(UnaryOperator.identity(), coreEventLabels());
            case "events.k8s.io/events" -> events(FieldSelectorSupport::eventsApiRename, eventsApiLabels());
            case "/namespaces" -> builder(false, FieldSelectorSupport::notSupported)
                    .field("status.phase", o -> text(o.path("status").path("phase")))
                    .build("status.phase", NAME);
            case "/secrets" -> builder(true, FieldSelectorSupport::notSupported)
                    .field("type", o -> text(o.path("type")))
                    .build("type", NAMESPACE, NAME);
            case "/services" -> builder(true, FieldSelectorSupport::notSupported)
                    .field("spec.clusterIP", o -> text(o.path("spec").path("clusterIP")))
                    .field("spec.type", o -> text(o.path("spec").path("type")))
                    .build(NAMESPACE, NAME, "spec.clusterIP", "spec.type");
            case "batch/jobs" -> builder(true, label -> "field label " + GoFormat.quote(label) + " not supported for Job")
                    // the label says "successful", the field is status.succeeded
                    .field("status.successful", o -> integer(o.path("status").path("succeeded")))
                    .build(NAME, NAMESPACE, "status.successful");
            case "certificates.k8s.io/certificatesigningrequests" ->
                    builder(false, FieldSelectorSupport::notSupported)
                            .field("spec.signerName", o -> text(o.path("spec").path("signerName")))
                            .build(NAME, "spec.signerName");
            default -> builder(namespaced, label -> GoFormat.quote(label) + " is not a known field selector: only "
                    + GoFormat.quote(NAME) + ", " + GoFormat.quote(NAMESPACE))
                    .build(NAME, NAMESPACE);
        };
    }

    /**
     * The support of a custom resource, as upstream's CRD converter: {@code metadata.name}, {@code metadata.namespace}
     * only when namespaced, and the CRD's {@code selectableFields} (given by their JSON paths such as
     * {@code .spec.color}, used in selectors without the leading dot).
     */
    public static FieldSelectorSupport forCustomResource(boolean namespaced, Collection<String> selectableFieldPaths) {
        Builder b = builder(namespaced, FieldSelectorSupport::notSupported);
        Set<String> accepted = new LinkedHashSet<>();
        accepted.add(NAME);
        if (namespaced) {
            accepted.add(NAMESPACE);
        }
        for (String path : selectableFieldPaths) {
            String label = path.startsWith(".") ? path.substring(1) : path;
            List<String> steps = List.of(label.split("\\."));
            b.field(label, o -> {
                JsonNode n = o;
                for (String step : steps) {
                    n = n.path(step);
                }
                return n.isValueNode() ? n.asText() : "";
            });
            accepted.add(label);
        }
        return b.build(accepted.toArray(String[]::new));
    }

    private static FieldSelectorSupport pods() {
        return builder(true, FieldSelectorSupport::notSupported)
                .field("spec.nodeName", o -> text(o.path("spec").path("nodeName")))
                .field("spec.restartPolicy", o -> text(o.path("spec").path("restartPolicy")))
                .field("spec.schedulerName", o -> text(o.path("spec").path("schedulerName")))
                .field("spec.serviceAccountName", o -> text(o.path("spec").path("serviceAccountName")))
                .field("spec.hostNetwork", o -> bool(o.path("spec").path("hostNetwork")))
                .field("status.phase", o -> text(o.path("status").path("phase")))
                .field("status.podIP", FieldSelectorSupport::primaryPodIp)
                .field("status.nominatedNodeName", o -> text(o.path("status").path("nominatedNodeName")))
                // spec.host is the pre-1.0 name of spec.nodeName, still accepted from old clients
                .rename(label -> label.equals("spec.host") ? "spec.nodeName" : label)
                .build(NAME, NAMESPACE, "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
                        "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP",
                        "status.podIPs", "status.nominatedNodeName", "spec.host");
    }

    /** The first of {@code status.podIPs}, falling back to {@code status.podIP} as the v1 conversion does. */
    private static String primaryPodIp(JsonNode pod) {
        JsonNode ips = pod.path("status").path("podIPs");
        if (ips.isArray() && !ips.isEmpty()) {
            return text(ips.get(0).path("ip"));
        }
        return text(pod.path("status").path("podIP"));
    }

    private static String[] coreEventLabels() {
        return new String[] {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
            "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
            "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type", NAMESPACE, NAME};
    }

    private static String[] eventsApiLabels() {
        return new String[] {"reason", "regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
            "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath", "reportingController",
            "source", "type", NAMESPACE, NAME};
    }

    /** events.k8s.io names its fields differently; upstream maps them onto the core Event field set. */
    private static String eventsApiRename(String label) {
        if (label.startsWith("regarding.")) {
            return "involvedObject." + label.substring("regarding.".length());
        }
        return label.equals("reportingController") ? "reportingComponent" : label;
    }

    /**
     * Core and events.k8s.io Events share one field set. The values are read from whichever shape the object has
     * ({@code involvedObject}/{@code source} in v1, {@code regarding}/{@code deprecatedSource} in events.k8s.io).
     */
    private static FieldSelectorSupport events(UnaryOperator<String> rename, String[] labels) {
        Builder b = builder(true, FieldSelectorSupport::notSupported).rename(rename);
        for (String part : List.of("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion",
                "fieldPath")) {
            b.field("involvedObject." + part, o -> text(eventsApi(o) ? o.path("regarding").path(part)
                    : o.path("involvedObject").path(part)));
        }
        b.field("reason", o -> text(o.path("reason")));
        b.field("reportingComponent", FieldSelectorSupport::eventReportingController);
        b.field("source", o -> {
            String component = text(o.path(eventsApi(o) ? "deprecatedSource" : "source").path("component"));
            return component.isEmpty() ? eventReportingController(o) : component;
        });
        b.field("type", o -> text(o.path("type")));
        return b.build(labels);
    }

    private static String eventReportingController(JsonNode event) {
        return text(event.path(eventsApi(event) ? "reportingController" : "reportingComponent"));
    }

    private static boolean eventsApi(JsonNode event) {
        return event.path("apiVersion").asText("").startsWith("events.k8s.io/");
    }

    private static String notSupported(String label) {
        return "field label not supported: " + label;
    }

    private static String text(JsonNode n) {
        return n.isValueNode() && !n.isNull() ? n.asText() : "";
    }

    private static String bool(JsonNode n) {
        return Boolean.toString(n.asBoolean(false));
    }

    private static String integer(JsonNode n) {
        return Long.toString(n.asLong(0));
    }

    /**
     * Upstream's field label conversion for one label: the label to match on (renamed where upstream renames), or
     * the refusal.
     *
     * @throws InvalidSelectorException with upstream's message, e.g. {@code field label not supported: foo}
     */
    public String convertLabel(String label) {
        if (!accepted.contains(label)) {
            throw new InvalidSelectorException(refusal.apply(label));
        }
        return rename.apply(label);
    }

    /**
     * Checks and renames every term of a parsed selector, in its (sorted) order, as upstream's
     * {@code FieldSelector.Transform} with the conversion function; the first refused label is the error.
     */
    public FieldSelector convert(FieldSelector selector) {
        return selector.renameFields(this::convertLabel);
    }

    /** The labels this resource accepts in selectors. */
    public Set<String> acceptedLabels() {
        return accepted;
    }

    /** Upstream's selectable field set of an object ({@code GetAttrs}): every field the resource fills. */
    public Map<String, String> fieldsOf(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        fields.forEach((label, read) -> out.put(label, read.apply(object)));
        return out;
    }

    /** Matches an object against a selector already passed through {@link #convert}. */
    public boolean matches(FieldSelector converted, JsonNode object) {
        return converted.matches(label -> {
            Function<JsonNode, String> read = fields.get(label);
            return read == null ? "" : read.apply(object);
        });
    }

    private static Builder builder(boolean namespaced, Function<String, String> refusal) {
        return new Builder(namespaced, refusal);
    }

    private static final class Builder {
        private final Function<String, String> refusal;
        private final Map<String, Function<JsonNode, String>> fields = new LinkedHashMap<>();
        private UnaryOperator<String> rename = UnaryOperator.identity();

        Builder(boolean namespaced, Function<String, String> refusal) {
            this.refusal = refusal;
            fields.put(NAME, o -> text(o.path("metadata").path("name")));
            if (namespaced) {
                fields.put(NAMESPACE, o -> text(o.path("metadata").path("namespace")));
            }
        }

        Builder field(String label, Function<JsonNode, String> read) {
            fields.put(label, read);
            return this;
        }

        Builder rename(UnaryOperator<String> rename) {
            this.rename = rename;
            return this;
        }

        FieldSelectorSupport build(String... acceptedLabels) {
            return new FieldSelectorSupport(new LinkedHashSet<>(List.of(acceptedLabels)), rename, refusal, fields);
        }
    }
}
