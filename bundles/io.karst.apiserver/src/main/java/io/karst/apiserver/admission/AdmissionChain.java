package io.karst.apiserver.admission;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.endpoint.ObjectAdmission;
import io.karst.apiserver.resource.ResourceType;

/** Runs admission steps in order; the first that refuses an object stops the write. */
public final class AdmissionChain implements ObjectAdmission {
    private final List<ObjectAdmission> steps;

    public AdmissionChain(List<ObjectAdmission> steps) {
        this.steps = List.copyOf(steps);
    }

    @Override
    public void applyDefaults(ResourceType type, ObjectNode object) {
        for (ObjectAdmission step : steps) {
            step.applyDefaults(type, object);
        }
    }

    @Override
    public void admitCreate(ResourceType type, ObjectNode object) {
        for (ObjectAdmission step : steps) {
            step.admitCreate(type, object);
        }
    }

    @Override
    public void admitUpdate(ResourceType type, String subresource, ObjectNode object, ObjectNode old) {
        for (ObjectAdmission step : steps) {
            step.admitUpdate(type, subresource, object, old);
        }
    }

    @Override
    public void admitCreate(ResourceType type, ObjectNode object, boolean dryRun) {
        for (ObjectAdmission step : steps) {
            step.admitCreate(type, object, dryRun);
        }
    }

    @Override
    public void admitUpdate(ResourceType type, String subresource, ObjectNode object, ObjectNode old,
            boolean dryRun) {
        for (ObjectAdmission step : steps) {
            step.admitUpdate(type, subresource, object, old, dryRun);
        }
    }

    @Override
    public void deleted(ResourceType type, ObjectNode object) {
        for (ObjectAdmission step : steps) {
            step.deleted(type, object);
        }
    }
}
