package io.karst.kubelet.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The static pod manifests in one directory ({@code <data-dir>/agent/pod-manifests}, K3s's; upstream's
 * {@code --pod-manifest-path}): one Pod per {@code .yaml}, {@code .yml} or {@code .json} file, hidden files ignored
 * as upstream's file source does (editors leave them behind). A file that cannot be read or is not a Pod is logged
 * with its name and skipped, once per content, so a broken file neither stops the others nor floods the log.
 */
final class ManifestDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestDirectory.class);
    private static final Set<String> EXTENSIONS = Set.of(".yaml", ".yml", ".json");

    /** One readable Pod manifest: the file, its bytes (hashed into the pod's uid) and the Pod as written. */
    record Manifest(Path file, byte[] content, ObjectNode pod) {
    }

    private final Path dir;
    private final BiConsumer<Path, String> skipped;
    private final ObjectMapper json = new ObjectMapper();
    private final ObjectMapper yaml = new YAMLMapper();
    /** file → the content last reported as broken */
    private final Map<Path, Integer> reported = new HashMap<>();

    /** @param skipped told once per content of a file that is skipped, and why */
    ManifestDirectory(Path dir, BiConsumer<Path, String> skipped) {
        this.dir = dir;
        this.skipped = skipped;
    }

    Path dir() {
        return dir;
    }

    /** The Pods of the directory now, in file name order; the directory is created when missing. */
    List<Manifest> read() {
        List<Path> files;
        try {
            Files.createDirectories(dir);
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(ManifestDirectory::isManifest).sorted().toList();
            }
        } catch (IOException e) {
            LOG.warn("Static pod manifests in {} not read: {}", dir, e.toString());
            return List.of();
        }
        List<Manifest> manifests = new ArrayList<>();
        synchronized (reported) {
            reported.keySet().retainAll(files);
            for (Path file : files) {
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (IOException e) {
                    continue; // removed while listing, or unreadable for now: the next poll looks again
                }
                try {
                    manifests.add(new Manifest(file, content, parse(file, content)));
                    reported.remove(file);
                } catch (IllegalArgumentException | IOException e) {
                    int hash = Arrays.hashCode(content);
                    Integer before = reported.put(file, hash);
                    if (before == null || before != hash) {
                        String why = why(e);
                        LOG.warn("Static pod manifest {} skipped: {}", file, why);
                        skipped.accept(file, why);
                    }
                }
            }
        }
        return manifests;
    }

    /** The parser's own words and the line, without the excerpt of the file that Jackson appends. */
    private static String why(Exception e) {
        if (e instanceof JsonProcessingException j) {
            JsonLocation at = j.getLocation();
            return j.getOriginalMessage().replaceAll("\\s+", " ").strip() + (at == null || at.getLineNr() < 0 ? ""
                    : " (line " + at.getLineNr() + ")");
        }
        return e.getMessage();
    }

    private ObjectNode parse(Path file, byte[] content) throws IOException {
        boolean isJson = file.getFileName().toString().endsWith(".json");
        JsonNode tree = (isJson ? json : yaml).readTree(content);
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("not an object");
        }
        String kind = tree.path("kind").asText("");
        String apiVersion = tree.path("apiVersion").asText("");
        if (!kind.equals("Pod") || !apiVersion.equals("v1")) {
            throw new IllegalArgumentException("not a v1 Pod (kind \"" + kind + "\", apiVersion \"" + apiVersion
                    + "\")");
        }
        if (tree.path("metadata").path("name").asText("").isEmpty()) {
            throw new IllegalArgumentException("metadata.name is missing");
        }
        if (!tree.path("spec").path("containers").isArray() || tree.path("spec").path("containers").isEmpty()) {
            throw new IllegalArgumentException("spec.containers is missing");
        }
        for (JsonNode c : tree.path("spec").path("containers")) {
            if (c.path("name").asText("").isEmpty() || c.path("image").asText("").isEmpty()) {
                throw new IllegalArgumentException("a container without name or image");
            }
        }
        return (ObjectNode) tree;
    }

    private static boolean isManifest(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0 && EXTENSIONS.contains(name.substring(dot)) && Files.isRegularFile(file);
    }
}
