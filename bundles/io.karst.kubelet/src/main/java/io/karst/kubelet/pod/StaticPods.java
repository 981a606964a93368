package io.karst.kubelet.pod;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The kubelet's second pod source besides the API: the manifests of a {@link ManifestDirectory}, each turned into
 * a static pod as upstream's file source does it. The pod is named {@code <name>-<node>}, bound to this node, and
 * its uid is the md5 of the file's bytes, the node and the file, so a changed file is a new pod (the old one is
 * stopped) while an unchanged one keeps its uid across kubelet restarts (its containers are adopted).
 */
final class StaticPods {
    static final String SOURCE = "kubernetes.io/config.source";
    static final String HASH = "kubernetes.io/config.hash";
    static final String SEEN = "kubernetes.io/config.seen";
    static final String MIRROR = "kubernetes.io/config.mirror";
    private static final Logger LOG = LoggerFactory.getLogger(StaticPods.class);

    private final ManifestDirectory manifests;
    private final String nodeName;
    private final Consumer<Map<String, ObjectNode>> listener;
    /** uid → the pod made of it, kept so an unchanged file keeps its object (and its config.seen) */
    private Map<String, ObjectNode> known = Map.of();
    private final Set<String> duplicatesReported = new HashSet<>();

    /** @param listener told every static pod by uid after each read */
    StaticPods(ManifestDirectory manifests, String nodeName, Consumer<Map<String, ObjectNode>> listener) {
        this.manifests = manifests;
        this.nodeName = nodeName;
        this.listener = listener;
    }

    /** Reads the directory and tells the listener what it holds now. */
    synchronized void poll() {
        Map<String, ObjectNode> next = new LinkedHashMap<>();
        Map<String, String> byName = new HashMap<>();
        for (ManifestDirectory.Manifest m : manifests.read()) {
            String uid = uid(m.content(), nodeName, m.file().toString());
            ObjectNode pod = known.get(uid);
            if (pod == null) {
                pod = toStaticPod(m.pod(), uid, nodeName);
            }
            String fullName = pod.path("metadata").path("namespace").asText() + "/"
                    + pod.path("metadata").path("name").asText();
            String first = byName.putIfAbsent(fullName, m.file().getFileName().toString());
            if (first != null) {
                // upstream keeps the first pod of a name too: two pods of one name cannot share a mirror
                if (duplicatesReported.add(m.file().toString())) {
                    LOG.warn("Static pod manifest {} skipped: pod {} is already defined by {}", m.file(), fullName,
                            first);
                }
                continue;
            }
            next.put(uid, pod);
        }
        known = next;
        listener.accept(Map.copyOf(next));
    }

    static boolean isStatic(JsonNode pod) {
        return pod.path("metadata").path("annotations").path(SOURCE).asText("").equals("file");
    }

    static boolean isMirror(JsonNode pod) {
        return pod.path("metadata").path("annotations").has(MIRROR);
    }

    /** Upstream's hash of a file source's pod: md5 over the content, {@code host:<node>}, {@code file:<path>}. */
    static String uid(byte[] content, String nodeName, String source) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(content);
            md5.update(("host:" + nodeName).getBytes(StandardCharsets.UTF_8));
            md5.update(("file:" + source).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }

    /** The manifest's Pod as this node runs it: named, bound, annotated and defaulted without an API server. */
    static ObjectNode toStaticPod(ObjectNode manifest, String uid, String nodeName) {
        ObjectNode pod = manifest.deepCopy();
        pod.remove("status");
        ObjectNode meta = pod.with("metadata");
        String node = nodeName.toLowerCase(Locale.ROOT);
        meta.put("name", meta.path("name").asText() + "-" + node);
        if (meta.path("namespace").asText("").isEmpty()) {
            meta.put("namespace", "default");
        }
        meta.put("uid", uid);
        for (String field : new String[] {"resourceVersion", "creationTimestamp", "deletionTimestamp",
                "deletionGracePeriodSeconds", "generation", "managedFields", "ownerReferences"}) {
            meta.remove(field);
        }
        ObjectNode annotations = meta.with("annotations");
        annotations.put(HASH, uid);
        annotations.put(SEEN, Instant.now().toString());
        annotations.put(SOURCE, "file");
        ObjectNode spec = pod.with("spec");
        spec.put("nodeName", nodeName);
        // upstream tolerates every NoExecute taint for file pods, so node problems never evict them
        ArrayNode tolerations = spec.withArray("tolerations");
        boolean tolerated = false;
        for (JsonNode t : tolerations) {
            tolerated |= t.path("operator").asText("").equals("Exists") && t.path("key").asText("").isEmpty()
                    && t.path("effect").asText("").equals("NoExecute");
        }
        if (!tolerated) {
            tolerations.addObject().put("operator", "Exists").put("effect", "NoExecute");
        }
        PodDefaults.apply(pod);
        pod.putObject("status").put("phase", "Pending");
        return pod;
    }
}
