package io.karst.api.node;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** Images on this node (CRI v1 ImageService), plus importing image archives for air-gapped nodes. */
@ProviderType
public interface ImageService {

    List<Image> listImages();

    /** The image a reference (name:tag, name@digest or id) names, if present. */
    Optional<Image> imageStatus(String reference);

    /**
     * Pulls an image from its registry (with the node's mirrors and credentials) and returns its image reference.
     *
     * @throws ImagePullException when the registry cannot be reached or refuses
     */
    String pullImage(String reference);

    void removeImage(String reference);

    /**
     * Imports every image of an OCI or docker archive ({@code .tar}, {@code .tar.gz}, {@code .tar.zst}); imported
     * images are pinned, so image garbage collection never removes them.
     *
     * @return the names of the imported images
     */
    List<String> importArchive(Path archive);

    /**
     * The filesystem images are stored on (CRI ImageFsInfo): the bytes images use there, and the filesystem's
     * capacity and available bytes at that mountpoint. Image garbage collection reads it every period.
     *
     * @throws ContainerRuntimeException when the runtime reports no image filesystem or it cannot be measured
     * @since 1.1
     */
    ImageFsInfo imageFsInfo();
}
