package io.karst.controllers.podautoscaler;

import java.time.Duration;
import java.time.Instant;

/** One pod's usage of a resource in milli-units (millicores, millibytes), as the metrics API reported it. */
record PodMetric(long milliValue, Instant timestamp, Duration window) {
}
