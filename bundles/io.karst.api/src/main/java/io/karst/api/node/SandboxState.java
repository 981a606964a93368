package io.karst.api.node;

public enum SandboxState {
    READY, NOT_READY
}
