package io.karst.api.node;

/** @param message why the runtime or its network is not ready; empty when both are */
public record RuntimeStatus(boolean runtimeReady, boolean networkReady, String message) {
}
