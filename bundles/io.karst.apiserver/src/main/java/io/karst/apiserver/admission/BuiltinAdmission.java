package io.karst.apiserver.admission;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.cache.CachedReads;
import io.karst.apiserver.defaults.BatchDefaults;
import io.karst.apiserver.defaults.Defaulters;
import io.karst.apiserver.defaults.PodAdmission;
import io.karst.apiserver.defaults.ServiceDefaults;
import io.karst.apiserver.endpoint.ObjectAdmission;
import io.karst.apiserver.endpoint.ObjectMetadata;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;
import io.karst.apiserver.validation.FieldError;
import io.karst.apiserver.validation.InvalidStatus;
import io.karst.apiserver.validation.NameGenerator;
import io.karst.apiserver.validation.Validators;

/**
 * Upstream's defaulting, the pod admission steps (default tolerations, priority, service account) and the
 * hand-written validation of the built-in types, in the order kube-apiserver runs them; a refused object is a 422
 * Invalid with one cause per field error.
 */
public final class BuiltinAdmission implements ObjectAdmission {
    private final PodAdmission pods;
    private final LimitRanger limitRanger;

    /** Reading other objects (PriorityClasses, LimitRanges) from the datastore. */
    public BuiltinAdmission(ObjectStore store, ResourceRegistry registry) {
        this(CachedReads.uncached(store), registry);
    }

    /** Reading other objects through {@code reads} (the watch cache, as upstream's plugins read informers). */
    public BuiltinAdmission(CachedReads reads, ResourceRegistry registry) {
        ResourceType priorityClasses = registry.find("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow();
        // the empty name stands for the default class (globalDefault), which no object can be named: not read
        this.pods = new PodAdmission(name -> Optional.ofNullable(PodAdmission.SYSTEM_CLASSES.get(name))
                .or(() -> name.isEmpty() ? Optional.empty() : reads.find(priorityClasses, null, name, pc -> true)
                        .map(pc -> new PodAdmission.PriorityClass(pc.path("value").asInt(),
                                pc.path("preemptionPolicy").asText("PreemptLowerPriority")))),
                new NameGenerator());
        this.limitRanger = new LimitRanger(reads, registry.find("", "v1", "limitranges").orElseThrow());
    }

    @Override
    public void applyDefaults(ResourceType type, ObjectNode object) {
        Defaulters.forResource(type.group(), type.version(), type.plural()).apply(object);
    }

    @Override
    public void admitCreate(ResourceType type, ObjectNode object) {
        Defaulters.forResource(type.group(), type.version(), type.plural()).apply(object);
        // upstream's order: LimitRanger before the service account, priority and other pod steps
        Optional<String> limited = isCore(type, "pods") ? limitRanger.admitPod(object)
                : isCore(type, "persistentvolumeclaims") ? limitRanger.admitClaim(object) : Optional.empty();
        if (limited.isPresent()) {
            throw ApiException.forbidden(type.plural(), type.group(), ObjectMetadata.name(object), limited.get());
        }
        if (isCore(type, "pods")) {
            Optional<String> refused = pods.admit(object);
            if (refused.isPresent()) {
                throw ApiException.forbidden(type.plural(), type.group(), ObjectMetadata.name(object),
                        refused.get());
            }
        }
        if (type.group().equals("batch") && type.plural().equals("jobs")) {
            BatchDefaults.generateJobSelector(object, ObjectMetadata.uid(object));
        }
        refuseIfInvalid(type, object, validator(type).validateCreate(object));
    }

    @Override
    public void admitUpdate(ResourceType type, String subresource, ObjectNode object, ObjectNode old) {
        if (subresource != null) {
            return;
        }
        Defaulters.forResource(type.group(), type.version(), type.plural()).apply(object);
        if (isCore(type, "services")) {
            // an update that leaves out the allocated ClusterIPs and node ports keeps them, as upstream's strategy
            ServiceDefaults.carryOverAllocations(object, old);
        }
        refuseIfInvalid(type, object, validator(type).validateUpdate(object, old));
    }

    private static io.karst.apiserver.validation.ResourceValidator validator(ResourceType type) {
        return type.custom() ? Validators.forCustomResource(type.namespaced())
                : Validators.forResource(type.group(), type.plural(), type.namespaced());
    }

    private static boolean isCore(ResourceType type, String plural) {
        return type.group().isEmpty() && type.plural().equals(plural);
    }

    private static void refuseIfInvalid(ResourceType type, ObjectNode object, List<FieldError> errors) {
        if (errors.isEmpty()) {
            return;
        }
        InvalidStatus invalid = new InvalidStatus(type.group(), type.kind(), ObjectMetadata.name(object), errors);
        throw new ApiException(InvalidStatus.CODE, InvalidStatus.REASON, invalid.message(),
                new ApiException.Details(ObjectMetadata.name(object), type.group(), type.kind(),
                        invalid.causes().stream().map(c -> new ApiException.Cause(c.reason(), c.message(), c.field()))
                                .toList(), 0));
    }
}
