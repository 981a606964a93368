package io.karst.kubelet.image;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerSummary;
import io.karst.api.node.Image;
import io.karst.api.node.ImageFsInfo;
import io.karst.api.node.ImageService;

/**
 * Upstream's image garbage collection, period for period: every {@link #PERIOD} the images are listed and what uses
 * them noted (a container, running or not, whose image or image ref names them); then, when the image filesystem
 * is at or above the policy's high threshold, unused images are removed, least recently used first (then first
 * detected), until the filesystem would be back at the low threshold. Pinned images (imported archives and the
 * sandbox image) and images younger than the minimum age are never removed. Images present when the kubelet starts
 * count as detected long ago, as upstream's.
 *
 * <p>When too little is eligible the Node gets a {@code FreeDiskSpaceFailed} Warning with upstream's message; a
 * period that fails after a failed one also gets {@code ImageGCFailed} (upstream records it only for repeated
 * failures, the first may be statistics not ready yet). A failure (the runtime's too) is logged and the next
 * period tries again.
 */
public final class ImageGcManager implements AutoCloseable {
    /** Upstream's ImageGCPeriod. */
    public static final Duration PERIOD = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(ImageGcManager.class);

    private final ImageGcPolicy policy;
    private final ImageService images;
    private final ContainerRuntime runtime;
    private final NodeEvents events;
    private final Clock clock;
    /** Image id → what was seen of it; guarded by this. */
    private final Map<String, ImageRecord> records = new HashMap<>();
    private boolean initialized;
    private boolean previousFailed;
    private volatile ScheduledExecutorService timer;

    private static final class ImageRecord {
        final Instant firstDetected;
        /** When a container was last seen using it; {@link Instant#EPOCH} if never. */
        Instant lastUsed = Instant.EPOCH;
        long size;
        boolean pinned;
        List<String> names = List.of();

        ImageRecord(Instant firstDetected) {
            this.firstDetected = firstDetected;
        }
    }

    private record Candidate(String id, List<String> names, Instant firstDetected, Instant lastUsed, long size) {
    }

    public ImageGcManager(ImageGcPolicy policy, ImageService images, ContainerRuntime runtime, NodeEvents events,
            Clock clock) {
        this.policy = policy;
        this.images = images;
        this.runtime = runtime;
        this.events = events;
        this.clock = clock;
    }

    public ImageGcManager(ImageGcPolicy policy, ImageService images, ContainerRuntime runtime, NodeEvents events) {
        this(policy, images, runtime, events, Clock.systemUTC());
    }

    /** Runs a period now and then every {@link #PERIOD}, unless the policy turns image GC off. */
    public ImageGcManager start() {
        if (!policy.enabled()) {
            LOG.info("image.gc.high.threshold.percent is 100: image garbage collection is off");
            return this;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kubelet-image-gc");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::runPeriod, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * One period: the first successful one records the images present as detected long ago; then
     * {@link #garbageCollect}. Never throws: failures are logged, repeated ones recorded as {@code ImageGCFailed}.
     */
    public synchronized void runPeriod() {
        if (!initialized) {
            try {
                detectImages(Instant.EPOCH);
                initialized = true;
            } catch (RuntimeException e) {
                LOG.warn("Failed to monitor images: {}", e.getMessage());
            }
        }
        try {
            garbageCollect();
            if (previousFailed) {
                LOG.info("Image garbage collection succeeded");
            }
            previousFailed = false;
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            if (previousFailed) {
                LOG.error("Image garbage collection failed multiple times in a row: {}", message);
                events.warning("ImageGCFailed", message);
            } else {
                LOG.error("Image garbage collection failed once, trying again in {} min: {}", PERIOD.toMinutes(),
                        message);
            }
            previousFailed = true;
        }
    }

    /**
     * Frees space when the image filesystem is at or above the high threshold.
     *
     * @throws ImageGcException when too little was eligible, a removal failed, or the capacity is 0
     * @throws io.karst.api.node.ContainerRuntimeException when the runtime cannot list or measure
     */
    public synchronized void garbageCollect() {
        Instant freeTime = clock.instant();
        List<Candidate> candidates = imagesInEvictionOrder(freeTime);
        ImageFsInfo fs = images.imageFsInfo();
        long capacity = fs.capacityBytes();
        long available = fs.availableBytes();
        if (available > capacity) {
            LOG.warn("Available bytes {} of the image filesystem {} are more than its capacity {}", available,
                    fs.mountpoint(), capacity);
            available = capacity;
        }
        if (capacity <= 0) {
            String message = "invalid capacity " + capacity + " on image filesystem";
            events.warning("InvalidDiskCapacity", message);
            throw new ImageGcException(message);
        }
        int usagePercent = 100 - (int) (available * 100 / capacity);
        if (usagePercent < policy.highThresholdPercent()) {
            LOG.debug("Image filesystem {} is at {}% (images {} bytes), under the high threshold ({}%)",
                    fs.mountpoint(), usagePercent, fs.usedBytes(), policy.highThresholdPercent());
            return;
        }
        long amountToFree = capacity * (100 - policy.lowThresholdPercent()) / 100 - available;
        LOG.info("Disk usage on image filesystem {} is at {}% (images {} bytes), over the high threshold ({}%): "
                + "trying to free {} bytes down to the low threshold ({}%)", fs.mountpoint(), usagePercent,
                fs.usedBytes(), policy.highThresholdPercent(), amountToFree, policy.lowThresholdPercent());
        long freed = freeSpace(amountToFree, freeTime, candidates);
        if (freed < amountToFree) {
            String message = String.format("Failed to garbage collect required amount of images. Attempted to free "
                    + "%d bytes, but only found %d bytes eligible to free.", amountToFree, freed);
            events.warning("FreeDiskSpaceFailed", message);
            throw new ImageGcException(message);
        }
    }

    /**
     * Upstream's DeleteUnusedImages, which the eviction manager calls under disk pressure before it evicts a pod:
     * every unused, unpinned image older than the minimum age is removed, whatever the thresholds; returns the bytes
     * freed.
     *
     * @throws ImageGcException when a removal failed
     */
    public synchronized long deleteUnusedImages() {
        Instant freeTime = clock.instant();
        return freeSpace(Long.MAX_VALUE, freeTime, imagesInEvictionOrder(freeTime));
    }

    /** Unused, unpinned images, least recently used first, then first detected first. */
    private List<Candidate> imagesInEvictionOrder(Instant freeTime) {
        Set<String> inUse = detectImages(freeTime);
        List<Candidate> candidates = new ArrayList<>();
        for (Map.Entry<String, ImageRecord> e : records.entrySet()) {
            ImageRecord r = e.getValue();
            if (inUse.contains(e.getKey()) || r.pinned) {
                continue;
            }
            candidates.add(new Candidate(e.getKey(), r.names, r.firstDetected, r.lastUsed, r.size));
        }
        candidates.sort(Comparator.comparing(Candidate::lastUsed).thenComparing(Candidate::firstDetected)
                .thenComparing(Candidate::id));
        return candidates;
    }

    /**
     * Lists the images and the containers, records new images as detected at {@code detectTime}, marks the used
     * ones used now, and forgets images that are gone.
     *
     * @return the ids of the images in use
     */
    private Set<String> detectImages(Instant detectTime) {
        List<Image> listed = images.listImages();
        Set<String> references = new HashSet<>();
        for (ContainerSummary c : runtime.listContainers()) {
            if (c.imageRef() != null && !c.imageRef().isEmpty()) {
                references.add(c.imageRef());
            }
            if (c.image() != null && !c.image().isEmpty()) {
                references.add(c.image());
            }
        }
        Instant now = clock.instant();
        Set<String> present = new HashSet<>();
        Set<String> inUse = new HashSet<>();
        for (Image image : listed) {
            present.add(image.id());
            ImageRecord record = records.computeIfAbsent(image.id(), id -> new ImageRecord(detectTime));
            if (used(image, references)) {
                inUse.add(image.id());
                record.lastUsed = now;
            }
            record.size = image.size();
            record.pinned = image.pinned();
            record.names = image.repoTags();
        }
        records.keySet().retainAll(present);
        return inUse;
    }

    /** A container names its image by id, tag or digest. */
    private static boolean used(Image image, Set<String> references) {
        return references.contains(image.id()) || image.repoTags().stream().anyMatch(references::contains)
                || image.repoDigests().stream().anyMatch(references::contains);
    }

    private long freeSpace(long bytesToFree, Instant freeTime, List<Candidate> candidates) {
        long freed = 0;
        List<String> errors = new ArrayList<>();
        for (Candidate image : candidates) {
            if (!image.lastUsed().isBefore(freeTime)) {
                continue;
            }
            // a young image may have just been pulled for a container about to be created
            if (Duration.between(image.firstDetected(), freeTime).compareTo(policy.minimumAge()) < 0) {
                LOG.debug("Image {} is younger than {} s, not removed", image.id(), policy.minimumAge().toSeconds());
                continue;
            }
            LOG.info("Removing image {} {} to free {} bytes", image.id(), image.names(), image.size());
            try {
                images.removeImage(image.id());
            } catch (RuntimeException e) {
                LOG.warn("Removing image {} failed: {}", image.id(), e.getMessage());
                errors.add(image.id() + ": " + e.getMessage());
                continue;
            }
            records.remove(image.id());
            freed += image.size();
            if (freed >= bytesToFree) {
                break;
            }
        }
        if (!errors.isEmpty()) {
            throw new ImageGcException(String.format("wanted to free %d bytes, but freed %d bytes space with errors "
                    + "in image deletion: %s", bytesToFree, freed, String.join("; ", errors)));
        }
        return freed;
    }

    @Override
    public void close() {
        ScheduledExecutorService t = timer;
        if (t == null) {
            return;
        }
        t.shutdownNow();
        try {
            t.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
