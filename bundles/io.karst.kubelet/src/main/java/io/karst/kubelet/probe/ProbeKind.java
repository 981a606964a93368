package io.karst.kubelet.probe;

public enum ProbeKind {
    LIVENESS("livenessProbe", "Liveness"), READINESS("readinessProbe", "Readiness"), STARTUP("startupProbe", "Startup");

    final String field;
    final String label;

    ProbeKind(String field, String label) {
        this.field = field;
        this.label = label;
    }
}
