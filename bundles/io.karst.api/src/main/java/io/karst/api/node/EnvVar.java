package io.karst.api.node;

/** One environment variable, already resolved. */
public record EnvVar(String name, String value) {
}
