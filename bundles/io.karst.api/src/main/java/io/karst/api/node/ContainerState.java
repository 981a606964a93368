package io.karst.api.node;

public enum ContainerState {
    CREATED, RUNNING, EXITED, UNKNOWN
}
