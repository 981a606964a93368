package io.karst.cri.containerd.internal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.time.Duration;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.karst.cri.containerd.internal.runtime.v1.ListImagesResponse;
import io.karst.cri.containerd.internal.runtime.v1.PullImageResponse;
import io.karst.cri.containerd.internal.runtime.v1.RemoveImageResponse;
import io.karst.cri.containerd.internal.runtime.v1.ImageFsInfoResponse;
import io.karst.api.node.ContainerRuntimeException;
import io.karst.api.node.Image;
import io.karst.api.node.ImageFsInfo;
import io.karst.api.node.ImagePullException;
import io.karst.api.node.ImageService;
import io.karst.cri.containerd.internal.runtime.v1.FilesystemUsage;
import io.karst.cri.containerd.internal.runtime.v1.ImageFsInfoRequest;
import io.karst.cri.containerd.internal.runtime.v1.ImageSpec;
import io.karst.cri.containerd.internal.runtime.v1.ImageStatusRequest;
import io.karst.cri.containerd.internal.runtime.v1.ImageStatusResponse;
import io.karst.cri.containerd.internal.runtime.v1.ListImagesRequest;
import io.karst.cri.containerd.internal.runtime.v1.PullImageRequest;
import io.karst.cri.containerd.internal.runtime.v1.RemoveImageRequest;

/**
 * {@link ImageService} over CRI v1's ImageService, plus archive import through {@link ArchiveImporter}. An image is
 * pinned when one of its names was imported from an archive or is the sandbox image.
 */
final class CriImageService implements ImageService {
    /** A pull has no deadline of its own in the kubelet; this only bounds a hung registry. */
    private static final Duration PULL_DEADLINE = Duration.ofMinutes(30);
    private static final String SERVICE = "/runtime.v1.ImageService/";

    private final CriChannel channel;
    private final CriCalls calls;
    private final ImportedImages imported;
    private final String pauseImage;
    private final ArchiveImporter importer;

    CriImageService(CriChannel channel, CriCalls calls, ImportedImages imported, String pauseImage,
            ArchiveImporter importer) {
        this.channel = channel;
        this.calls = calls;
        this.imported = imported;
        this.pauseImage = pauseImage;
        this.importer = importer;
    }

    private <T> T rpc(String method, MessageLite request, Parser<T> response) {
        return channel.call(SERVICE + method, request, response, CriCalls.DEFAULT_DEADLINE);
    }

    @Override
    public List<Image> listImages() {
        return calls.call("list images", () -> rpc("ListImages", ListImagesRequest.getDefaultInstance(), ListImagesResponse.parser()))
                .getImagesList().stream().map(this::image).toList();
    }

    @Override
    public Optional<Image> imageStatus(String reference) {
        ImageStatusResponse response = calls.call("image status", () -> rpc("ImageStatus",
                ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(reference)).build(),
                ImageStatusResponse.parser()));
        return response.hasImage() ? Optional.of(image(response.getImage())) : Optional.empty();
    }

    @Override
    public String pullImage(String reference) {
        try {
            return channel.call(SERVICE + "PullImage", PullImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(reference)).build(), PullImageResponse.parser(),
                    PULL_DEADLINE).getImageRef();
        } catch (GrpcStatusException e) {
            throw new ImagePullException(calls.message("pull image " + reference, e), e);
        }
    }

    @Override
    public void removeImage(String reference) {
        calls.call("remove image", () -> rpc("RemoveImage",
                RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(reference)).build(),
                RemoveImageResponse.parser()));
        imported.remove(reference);
    }

    @Override
    public List<String> importArchive(Path archive) {
        List<String> names = importer.importArchive(archive);
        imported.addAll(names);
        return names;
    }

    /**
     * The runtime's first image filesystem (containerd reports its snapshotter's directory), measured with statfs
     * as upstream's kubelet measures it through cAdvisor: the runtime runs on this host, so the mountpoint is ours.
     */
    @Override
    public ImageFsInfo imageFsInfo() {
        List<FilesystemUsage> filesystems = calls.call("image filesystem info",
                () -> rpc("ImageFsInfo", ImageFsInfoRequest.getDefaultInstance(), ImageFsInfoResponse.parser())).getImageFilesystemsList();
        if (filesystems.isEmpty()) {
            throw new ContainerRuntimeException("the container runtime reports no image filesystem");
        }
        FilesystemUsage usage = filesystems.get(0);
        String mountpoint = usage.getFsId().getMountpoint();
        try {
            FileStore store = Files.getFileStore(Path.of(mountpoint));
            return new ImageFsInfo(mountpoint, usage.getUsedBytes().getValue(), store.getTotalSpace(),
                    store.getUsableSpace(), CriCalls.instant(usage.getTimestamp()));
        } catch (IOException | RuntimeException e) {
            throw new ContainerRuntimeException("cannot measure the image filesystem at " + mountpoint + ": " + e, e);
        }
    }

    private Image image(io.karst.cri.containerd.internal.runtime.v1.Image image) {
        boolean pinned = image.getRepoTagsList().stream()
                .anyMatch(tag -> tag.equals(pauseImage) || imported.contains(tag));
        return new Image(image.getId(), image.getRepoTagsList(), image.getRepoDigestsList(), image.getSize(),
                pinned);
    }
}
