package io.karst.kubelet.volume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.client.WriteOptions;
import io.karst.kubelet.KubeletConfig;
import io.karst.kubelet.pod.Quantities;
import io.karst.kubelet.volume.AtomicDirectory.Payload;

/**
 * Sets up a pod's volumes under {@code agent/kubelet/pods/<uid>/volumes/kubernetes.io~<plugin>/<name>} (upstream's
 * layout) and tears them down. Content volumes (configMap, secret, downwardAPI, projected) are rewritten atomically
 * on every {@link #setUp}, so their files follow the objects they come from; service-account tokens are requested
 * again once 80 % of their lifetime has passed, as upstream's token manager does.
 */
public final class PodVolumes {
    static final ResourceKey CONFIG_MAPS = new ResourceKey("", "v1", "configmaps");
    static final ResourceKey SECRETS = new ResourceKey("", "v1", "secrets");
    static final ResourceKey SERVICE_ACCOUNTS = new ResourceKey("", "v1", "serviceaccounts");
    static final ResourceKey CLAIMS = new ResourceKey("", "v1", "persistentvolumeclaims");
    static final ResourceKey VOLUMES = new ResourceKey("", "v1", "persistentvolumes");
    private static final int DEFAULT_MODE = 0644;
    private static final Logger LOG = LoggerFactory.getLogger(PodVolumes.class);

    private final KubeletConfig config;
    private final ResourceClient client;
    /** pod uid + volume + path → token and when to ask again. */
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    private record Token(String value, Instant renewAt) {
    }

    public PodVolumes(KubeletConfig config, ResourceClient client) {
        this.config = config;
        this.client = client;
    }

    /**
     * Sets up (or refreshes) every volume of the pod.
     *
     * @param allocatable the node's allocatable resources, for downward-API limits of containers without one
     * @return volume name → host path to bind into containers
     */
    public Map<String, Path> setUp(JsonNode pod, JsonNode allocatable) throws VolumeException {
        Map<String, Path> paths = new LinkedHashMap<>();
        String uid = pod.path("metadata").path("uid").asText();
        Path volumes = config.podDir(uid).resolve("volumes");
        for (JsonNode volume : pod.path("spec").path("volumes")) {
            String name = volume.path("name").asText();
            try {
                paths.put(name, setUp(pod, volume, volumes, allocatable));
            } catch (IOException e) {
                throw new VolumeException("MountVolume.SetUp failed for volume \"" + name + "\" : " + e.getMessage());
            }
        }
        return paths;
    }

    private Path setUp(JsonNode pod, JsonNode volume, Path volumes, JsonNode allocatable)
            throws IOException, VolumeException {
        String name = volume.path("name").asText();
        String namespace = pod.path("metadata").path("namespace").asText();
        if (volume.has("emptyDir")) {
            Path dir = volumes.resolve("kubernetes.io~empty-dir").resolve(name);
            boolean created = !Files.isDirectory(dir);
            Files.createDirectories(dir);
            if (created) {
                Files.setPosixFilePermissions(dir, AtomicDirectory.permissions(0777));
            }
            if (volume.path("emptyDir").path("medium").asText("").equals("Memory") && !Mounts.isMountPoint(dir)) {
                String size = volume.path("emptyDir").path("sizeLimit").asText("");
                Mounts.mountTmpfs(dir, size.isEmpty() ? 0 : Quantities.value(size));
            }
            return dir;
        }
        if (volume.has("hostPath")) {
            return HostPaths.check(volume.path("hostPath"));
        }
        if (volume.has("configMap") || volume.has("secret") || volume.has("downwardAPI") || volume.has("projected")) {
            String plugin = volume.has("configMap") ? "configmap" : volume.has("secret") ? "secret"
                    : volume.has("downwardAPI") ? "downward-api" : "projected";
            Path dir = volumes.resolve("kubernetes.io~" + plugin).resolve(name);
            Map<String, Payload> files = new LinkedHashMap<>();
            if (volume.has("configMap")) {
                configMapFiles(namespace, name, volume.path("configMap"), -1, files);
            } else if (volume.has("secret")) {
                secretFiles(namespace, name, volume.path("secret"), -1, files);
            } else if (volume.has("downwardAPI")) {
                downwardFiles(pod, volume.path("downwardAPI"), -1, allocatable, files);
            } else {
                int mode = volume.path("projected").path("defaultMode").asInt(DEFAULT_MODE);
                for (JsonNode source : volume.path("projected").path("sources")) {
                    if (source.has("configMap")) {
                        configMapFiles(namespace, name, source.path("configMap"), mode, files);
                    } else if (source.has("secret")) {
                        secretFiles(namespace, name, source.path("secret"), mode, files);
                    } else if (source.has("downwardAPI")) {
                        downwardFiles(pod, source.path("downwardAPI"), mode, allocatable, files);
                    } else if (source.has("serviceAccountToken")) {
                        JsonNode token = source.path("serviceAccountToken");
                        files.put(token.path("path").asText(), new Payload(
                                token(pod, name, token).getBytes(StandardCharsets.UTF_8), mode));
                    } else {
                        throw new VolumeException("MountVolume.SetUp failed for volume \"" + name
                                + "\" : projected source " + source.fieldNames().next() + " is not supported by Karst");
                    }
                }
            }
            AtomicDirectory.write(dir, files);
            return dir;
        }
        if (volume.has("persistentVolumeClaim")) {
            return claimPath(namespace, name, volume.path("persistentVolumeClaim").path("claimName").asText());
        }
        String type = volume.fieldNames().hasNext() ? nonName(volume) : "unknown";
        throw new VolumeException("MountVolume.SetUp failed for volume \"" + name + "\" : volume type " + type
                + " is not supported by Karst's kubelet");
    }

    private static String nonName(JsonNode volume) {
        for (var it = volume.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!field.equals("name")) {
                return field;
            }
        }
        return "unknown";
    }

    private void configMapFiles(String namespace, String volume, JsonNode source, int projectedMode,
            Map<String, Payload> files) throws VolumeException {
        String object = source.path("name").asText();
        Optional<ObjectNode> cm = client.resource(CONFIG_MAPS).inNamespace(namespace).find(object);
        if (cm.isEmpty()) {
            if (source.path("optional").asBoolean(false)) {
                return;
            }
            throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume + "\" : configmap \""
                    + object + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        cm.get().path("data").fields().forEachRemaining(e -> data.put(e.getKey(),
                e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
        cm.get().path("binaryData").fields().forEachRemaining(e -> data.put(e.getKey(),
                Base64.getDecoder().decode(e.getValue().asText())));
        project(volume, "configmap", object, data, source, projectedMode, files);
    }

    private void secretFiles(String namespace, String volume, JsonNode source, int projectedMode,
            Map<String, Payload> files) throws VolumeException {
        String object = source.has("secretName") ? source.path("secretName").asText() : source.path("name").asText();
        Optional<ObjectNode> secret = client.resource(SECRETS).inNamespace(namespace).find(object);
        if (secret.isEmpty()) {
            if (source.path("optional").asBoolean(false)) {
                return;
            }
            throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume + "\" : secret \""
                    + object + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        secret.get().path("data").fields().forEachRemaining(e -> data.put(e.getKey(),
                Base64.getDecoder().decode(e.getValue().asText())));
        project(volume, "secret", object, data, source, projectedMode, files);
    }

    /** Upstream's rules: all keys by name, or only the listed items at their paths (a missing key is an error). */
    private static void project(String volume, String kind, String object, Map<String, byte[]> data, JsonNode source,
            int projectedMode, Map<String, Payload> files) throws VolumeException {
        int mode = projectedMode >= 0 ? projectedMode : source.path("defaultMode").asInt(DEFAULT_MODE);
        if (!source.has("items") || source.path("items").isEmpty()) {
            data.forEach((k, v) -> files.put(k, new Payload(v, mode)));
            return;
        }
        for (JsonNode item : source.path("items")) {
            String key = item.path("key").asText();
            byte[] value = data.get(key);
            if (value == null) {
                if (source.path("optional").asBoolean(false)) {
                    continue;
                }
                throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume + "\" : " + kind
                        + " references non-existent " + kind + " key: " + key + " (" + kind + " " + object + ")");
            }
            files.put(item.path("path").asText(key), new Payload(value, item.path("mode").asInt(mode)));
        }
    }

    private static void downwardFiles(JsonNode pod, JsonNode source, int projectedMode, JsonNode allocatable,
            Map<String, Payload> files) throws VolumeException {
        int mode = projectedMode >= 0 ? projectedMode : source.path("defaultMode").asInt(DEFAULT_MODE);
        for (JsonNode item : source.path("items")) {
            String value;
            try {
                if (item.has("fieldRef")) {
                    value = DownwardApi.field(pod, item.path("fieldRef").path("fieldPath").asText());
                } else {
                    JsonNode ref = item.path("resourceFieldRef");
                    value = DownwardApi.resource(pod, ref.path("containerName").asText(), ref.path("resource").asText(),
                            ref.path("divisor").asText(""), allocatable);
                }
            } catch (IllegalArgumentException e) {
                throw new VolumeException("downwardAPI item " + item.path("path").asText() + ": " + e.getMessage());
            }
            files.put(item.path("path").asText(), new Payload(value.getBytes(StandardCharsets.UTF_8),
                    item.path("mode").asInt(mode)));
        }
    }

    /** A bound token for the pod's service account (TokenRequest), reused until 80 % of its lifetime. */
    private String token(JsonNode pod, String volume, JsonNode source) throws VolumeException {
        JsonNode meta = pod.path("metadata");
        String key = meta.path("uid").asText() + "/" + volume + "/" + source.path("path").asText();
        Token cached = tokens.get(key);
        if (cached != null && Instant.now().isBefore(cached.renewAt())) {
            return cached.value();
        }
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.put("apiVersion", "authentication.k8s.io/v1").put("kind", "TokenRequest");
        String account = pod.path("spec").path("serviceAccountName").asText("default");
        // the in-process client takes the subresource's object name from the body, as a URL would carry it
        request.putObject("metadata").put("name", account).put("namespace", meta.path("namespace").asText());
        ObjectNode spec = request.putObject("spec");
        if (source.hasNonNull("audience") && !source.path("audience").asText().isEmpty()) {
            spec.putArray("audiences").add(source.path("audience").asText());
        }
        long seconds = source.path("expirationSeconds").asLong(3607);
        spec.put("expirationSeconds", seconds);
        spec.putObject("boundObjectRef").put("kind", "Pod").put("apiVersion", "v1")
                .put("name", meta.path("name").asText()).put("uid", meta.path("uid").asText());
        ObjectNode answer;
        try {
            answer = client.resource(SERVICE_ACCOUNTS).inNamespace(meta.path("namespace").asText())
                    .create(request, "token", WriteOptions.NONE);
        } catch (ResourceException e) {
            throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume + "\" : failed to fetch "
                    + "token: " + e.getMessage());
        }
        String token = answer.path("status").path("token").asText();
        Instant expires = Instant.parse(answer.path("status").path("expirationTimestamp").asText());
        Duration lifetime = Duration.between(Instant.now(), expires);
        tokens.put(key, new Token(token, Instant.now().plus(lifetime.multipliedBy(8).dividedBy(10))));
        LOG.debug("Token for service account {} of pod {} renewed", account, meta.path("name").asText());
        return token;
    }

    /** A claim bound to a PersistentVolume with a node-local path (hostPath or local). */
    private Path claimPath(String namespace, String volume, String claimName) throws VolumeException {
        Optional<ObjectNode> claim = client.resource(CLAIMS).inNamespace(namespace).find(claimName);
        if (claim.isEmpty()) {
            throw new VolumeException("persistentvolumeclaim \"" + claimName + "\" not found");
        }
        String pvName = claim.get().path("spec").path("volumeName").asText("");
        if (pvName.isEmpty()) {
            throw new VolumeException("persistentvolumeclaim \"" + claimName + "\" is not bound");
        }
        Optional<ObjectNode> pv = client.resource(VOLUMES).find(pvName);
        if (pv.isEmpty()) {
            throw new VolumeException("persistentvolume \"" + pvName + "\" not found");
        }
        JsonNode spec = pv.get().path("spec");
        String path = spec.path("hostPath").path("path").asText(spec.path("local").path("path").asText(""));
        if (path.isEmpty()) {
            throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume + "\" : persistentvolume \""
                    + pvName + "\" has no hostPath or local path; other volume sources are not supported by Karst");
        }
        try {
            Files.createDirectories(Path.of(path));
        } catch (IOException e) {
            throw new VolumeException("persistentvolume \"" + pvName + "\": cannot create " + path + ": "
                    + e.getMessage());
        }
        return Path.of(path);
    }

    /** Unmounts whatever was mounted for the pod and deletes its directory (volumes, hosts file, messages). */
    public void tearDown(String uid) {
        Path dir = config.podDir(uid);
        tokens.keySet().removeIf(k -> k.startsWith(uid + "/"));
        try {
            List<Path> mounted = new ArrayList<>(Mounts.under(dir));
            for (Path mount : mounted) {
                Mounts.unmount(mount);
            }
            AtomicDirectory.deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("Could not remove the volumes of pod {}: {}", uid, e.getMessage());
        }
    }
}
