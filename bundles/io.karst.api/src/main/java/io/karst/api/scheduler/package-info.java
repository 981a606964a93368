/**
 * The scheduler framework's extension points (kube-scheduler's Filter and Score plugins) as whiteboard services:
 * a bundle that registers a {@link io.karst.api.scheduler.FilterPlugin} or {@link io.karst.api.scheduler.ScorePlugin}
 * takes part in every scheduling decision, beside the built-in plugins of {@code io.karst.scheduler}.
 */
@Export
@Version("1.0.0")
package io.karst.api.scheduler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
