package io.karst.kubelet.eviction;

import java.util.Map;

/**
 * Measures the eviction signals (upstream's makeSignalObservations); a signal it cannot measure is left out, and its
 * threshold is then never crossed.
 */
@FunctionalInterface
public interface SignalObserver {
    Map<Signal, Observation> observe();
}
