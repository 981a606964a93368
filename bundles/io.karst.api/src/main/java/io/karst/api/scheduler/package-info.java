/**
 * The scheduler framework's extension points (kube-scheduler's Filter and Score plugins) as whiteboard services:
 * a bundle that registers a {@link io.karst.api.scheduler.FilterPlugin} or {@link io.karst.api.scheduler.ScorePlugin}
 * takes part in every scheduling decision, beside the built-in plugins of {@code io.karst.scheduler}.
 *
 * <p>1.1: {@code filter} and {@code score} with the whole cluster of the cycle, for plugins that compare nodes
 * (PodTopologySpread).
 */
@Export
@Version("1.1.0")
package io.karst.api.scheduler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
