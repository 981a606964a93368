package io.karst.api.node;

/** For example {@code containerd}, {@code 1.6.20~ds1}, CRI {@code v1}. */
public record RuntimeVersion(String runtimeName, String runtimeVersion, String runtimeApiVersion) {
}
