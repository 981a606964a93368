package io.karst.kubelet.image;

import java.time.Duration;

/**
 * When images are garbage collected: once the image filesystem is {@code highThresholdPercent} full, unused images
 * are removed until it is back at {@code lowThresholdPercent}; an image younger than {@code minimumAge} is kept (it
 * may have just been pulled for a container about to start). A high threshold of 100 turns image GC off, as
 * upstream's {@code imageGCHighThresholdPercent: 100}.
 *
 * @throws IllegalArgumentException (upstream's checks) for a threshold outside 0–100, a low threshold not below the
 *         high one, or a negative age
 */
public record ImageGcPolicy(int highThresholdPercent, int lowThresholdPercent, Duration minimumAge) {
    /** The kubelet's (and K3s's) defaults: 85 %, 80 %, 2 min. */
    public static final ImageGcPolicy DEFAULT = new ImageGcPolicy(85, 80, Duration.ofMinutes(2));

    public ImageGcPolicy {
        if (highThresholdPercent < 0 || highThresholdPercent > 100) {
            throw new IllegalArgumentException("invalid image.gc.high.threshold.percent " + highThresholdPercent
                    + ", must be in range [0-100]");
        }
        if (lowThresholdPercent < 0 || lowThresholdPercent > 100) {
            throw new IllegalArgumentException("invalid image.gc.low.threshold.percent " + lowThresholdPercent
                    + ", must be in range [0-100]");
        }
        if (lowThresholdPercent >= highThresholdPercent) {
            throw new IllegalArgumentException("image.gc.low.threshold.percent " + lowThresholdPercent
                    + " must be less than image.gc.high.threshold.percent " + highThresholdPercent);
        }
        if (minimumAge.isNegative()) {
            throw new IllegalArgumentException("invalid image.minimum.gc.age.seconds " + minimumAge.toSeconds()
                    + ", must not be negative");
        }
    }

    /** Whether image GC runs at all (not with a high threshold of 100). */
    public boolean enabled() {
        return highThresholdPercent < 100;
    }
}
