package io.karst.apiserver.codec.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which protobuf message carries a built-in (group, version, kind). Upstream names its proto packages after the Go
 * packages: the core group is {@code k8s.io.api.core.<version>}, a group {@code apps} or {@code x.k8s.io} is
 * {@code k8s.io.api.<first label>.<version>}, and the meta kinds every group serves (Status, List, WatchEvent...)
 * live in {@code k8s.io.apimachinery.pkg.apis.meta.v1}. A kind without a message (custom resources) has none, which
 * the server answers with 415.
 */
public final class ProtobufKinds {

    static final String META_PACKAGE = "k8s.io.apimachinery.pkg.apis.meta.v1";

    private final Map<String, Descriptor> messagesByFullName = new HashMap<>();
    private final Set<String> indexedFiles = new HashSet<>();

    /** Indexes every message of the given files and of the files they import. */
    public ProtobufKinds(Iterable<FileDescriptor> files) {
        for (FileDescriptor file : files) {
            index(file);
        }
    }

    private void index(FileDescriptor file) {
        if (!indexedFiles.add(file.getFullName())) {
            return; // indexed already, through another file's imports
        }
        for (Descriptor message : file.getMessageTypes()) {
            messagesByFullName.put(message.getFullName(), message);
        }
        for (FileDescriptor dependency : file.getDependencies()) {
            index(dependency);
        }
    }

    /** The message for an object of this group, version and kind; empty when the kind has no protobuf form. */
    public Optional<Descriptor> messageFor(String group, String version, String kind) {
        Descriptor own = messagesByFullName.get(protoPackage(group, version) + "." + kind);
        if (own != null) {
            return Optional.of(own);
        }
        // Status and the other meta kinds are served in every group version under the meta message
        return isMetaKind(kind) ? Optional.ofNullable(messagesByFullName.get(META_PACKAGE + "." + kind)) : Optional.empty();
    }

    private static boolean isMetaKind(String kind) {
        return kind.equals("Status") || kind.equals("WatchEvent") || kind.equals("APIGroup")
                || kind.equals("APIGroupList") || kind.equals("APIResourceList") || kind.equals("APIVersions")
                || kind.equals("DeleteOptions") || kind.equals("PartialObjectMetadata")
                || kind.equals("PartialObjectMetadataList");
    }

    /** The proto package upstream generates for a group version; the core group is named "core". */
    static String protoPackage(String group, String version) {
        if (group.isEmpty()) {
            return "k8s.io.api.core." + version;
        }
        int dot = group.indexOf('.');
        return "k8s.io.api." + (dot < 0 ? group : group.substring(0, dot)) + "." + version;
    }
}
