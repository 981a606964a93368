package io.karst.apiserver.defaults;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.Json;
import io.karst.apiserver.validation.NameGenerator;

/**
 * The mutating admission steps upstream runs on every new Pod, whose results show in {@code kubectl get pod -o
 * yaml}: DefaultTolerationSeconds (tolerate not-ready and unreachable nodes for 300 s), Priority (priority and
 * preemption policy from the class), and ServiceAccount (default account name and the projected
 * {@code kube-api-access-xxxxx} token volume mounted into every container). Call once, on create, after defaulting.
 */
public final class PodAdmission {
    public static final int DEFAULT_TOLERATION_SECONDS = 300;
    public static final String TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

    /** The value and preemption policy of a PriorityClass. */
    public record PriorityClass(int value, String preemptionPolicy) {
    }

    /** The two classes every cluster has. */
    public static final Map<String, PriorityClass> SYSTEM_CLASSES = Map.of(
            "system-node-critical", new PriorityClass(2000001000, "PreemptLowerPriority"),
            "system-cluster-critical", new PriorityClass(2000000000, "PreemptLowerPriority"));

    private final Function<String, Optional<PriorityClass>> priorityClasses;
    private final NameGenerator names;

    /**
     * @param priorityClasses looks up a PriorityClass by name; upstream's default class (globalDefault) is looked up
     *                        by the empty name
     * @param names           source of the random token-volume suffix
     */
    public PodAdmission(Function<String, Optional<PriorityClass>> priorityClasses, NameGenerator names) {
        this.priorityClasses = priorityClasses;
        this.names = names;
    }

    /** Only the built-in system classes, and no global default. */
    public PodAdmission() {
        this(name -> Optional.ofNullable(SYSTEM_CLASSES.get(name)), new NameGenerator());
    }

    /**
     * Runs the admission steps. Returns an error message when the pod names a PriorityClass that does not exist
     * (upstream answers that with 403 Forbidden), or empty on success.
     */
    public Optional<String> admit(ObjectNode pod) {
        ObjectNode spec = Json.objOrCreate(pod, "spec");
        defaultTolerations(spec);
        Optional<String> priorityError = priority(spec);
        if (priorityError.isPresent()) {
            return priorityError;
        }
        serviceAccount(spec);
        return Optional.empty();
    }

    static void defaultTolerations(ObjectNode spec) {
        boolean notReady = false;
        boolean unreachable = false;
        for (ObjectNode t : Json.objects(spec, "tolerations")) {
            String key = Json.text(t, "key");
            String effect = Json.text(t, "effect");
            boolean noExecute = effect.isEmpty() || effect.equals("NoExecute");
            notReady |= (key.equals("node.kubernetes.io/not-ready") || key.isEmpty()) && noExecute;
            unreachable |= (key.equals("node.kubernetes.io/unreachable") || key.isEmpty()) && noExecute;
        }
        ArrayNode tolerations = spec.get("tolerations") instanceof ArrayNode a ? a : spec.putArray("tolerations");
        if (!notReady) {
            addToleration(tolerations, "node.kubernetes.io/not-ready");
        }
        if (!unreachable) {
            addToleration(tolerations, "node.kubernetes.io/unreachable");
        }
    }

    private static void addToleration(ArrayNode tolerations, String key) {
        ObjectNode t = tolerations.addObject();
        t.put("effect", "NoExecute");
        t.put("key", key);
        t.put("operator", "Exists");
        t.put("tolerationSeconds", DEFAULT_TOLERATION_SECONDS);
    }

    private Optional<String> priority(ObjectNode spec) {
        String className = Json.text(spec, "priorityClassName");
        Optional<PriorityClass> pc = priorityClasses.apply(className);
        if (className.isEmpty()) {
            if (pc.isPresent()) {
                spec.put("priorityClassName", "");
            }
            spec.put("priority", pc.map(PriorityClass::value).orElse(0));
            Json.putIfAbsent(spec, "preemptionPolicy", pc.map(PriorityClass::preemptionPolicy).orElse("PreemptLowerPriority"));
            return Optional.empty();
        }
        if (pc.isEmpty()) {
            return Optional.of("no PriorityClass with name " + className + " was found");
        }
        spec.put("priority", pc.get().value());
        Json.putIfAbsent(spec, "preemptionPolicy", pc.get().preemptionPolicy());
        return Optional.empty();
    }

    private void serviceAccount(ObjectNode spec) {
        Json.putIfEmpty(spec, "serviceAccountName", "default");
        // The v1 API still carries the deprecated alias, filled from serviceAccountName on conversion.
        spec.put("serviceAccount", Json.text(spec, "serviceAccountName"));
        if (spec.has("automountServiceAccountToken") && !Json.bool(spec, "automountServiceAccountToken")) {
            return;
        }
        for (ObjectNode c : Json.objects(spec, "containers")) {
            for (ObjectNode m : Json.objects(c, "volumeMounts")) {
                if (Json.text(m, "mountPath").equals(TOKEN_MOUNT_PATH)) {
                    return;
                }
            }
        }
        String volumeName = "kube-api-access-" + names.suffix();
        ArrayNode volumes = spec.get("volumes") instanceof ArrayNode a ? a : spec.putArray("volumes");
        ObjectNode volume = volumes.addObject();
        volume.put("name", volumeName);
        ObjectNode projected = volume.putObject("projected");
        projected.put("defaultMode", PodSpecDefaults.DEFAULT_FILE_MODE);
        ArrayNode sources = projected.putArray("sources");
        ObjectNode token = sources.addObject().putObject("serviceAccountToken");
        token.put("expirationSeconds", 3607);
        token.put("path", "token");
        ObjectNode configMap = sources.addObject().putObject("configMap");
        ObjectNode caItem = configMap.putArray("items").addObject();
        caItem.put("key", "ca.crt");
        caItem.put("path", "ca.crt");
        configMap.put("name", "kube-root-ca.crt");
        ObjectNode nsItem = sources.addObject().putObject("downwardAPI").putArray("items").addObject();
        ObjectNode fieldRef = nsItem.putObject("fieldRef");
        fieldRef.put("apiVersion", "v1");
        fieldRef.put("fieldPath", "metadata.namespace");
        nsItem.put("path", "namespace");
        for (String list : List.of("initContainers", "containers")) {
            for (ObjectNode c : Json.objects(spec, list)) {
                ArrayNode mounts = c.get("volumeMounts") instanceof ArrayNode a ? a : c.putArray("volumeMounts");
                ObjectNode m = mounts.addObject();
                m.put("mountPath", TOKEN_MOUNT_PATH);
                m.put("name", volumeName);
                m.put("readOnly", true);
            }
        }
    }
}
