package io.karst.apiserver.admission;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.admission.AdmissionAttributes;
import io.karst.api.admission.AdmissionDeniedException;
import io.karst.api.admission.AdmissionPlugin;
import io.karst.api.client.ResourceKey;
import io.karst.apiserver.endpoint.ObjectAdmission;
import io.karst.apiserver.endpoint.ObjectMetadata;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;

/**
 * The admission plugins other bundles register ({@link AdmissionPlugin} on the whiteboard), asked last in the
 * chain, in service ranking order (highest first), as upstream runs ResourceQuota after the built-in steps.
 * Plugins come and go while the server runs.
 */
public final class PluginAdmission implements ObjectAdmission {
    private record Registered(AdmissionPlugin plugin, int ranking, long serviceId) {
    }

    private static final Comparator<Registered> ORDER = Comparator.comparingInt(Registered::ranking).reversed()
            .thenComparingLong(Registered::serviceId);

    // Replaced whole, in order, on every change: a request walks one consistent list without sorting it.
    private volatile List<Registered> plugins = List.of();

    public synchronized void add(AdmissionPlugin plugin, int ranking, long serviceId) {
        List<Registered> next = new ArrayList<>(plugins);
        next.add(new Registered(plugin, ranking, serviceId));
        next.sort(ORDER);
        plugins = List.copyOf(next);
    }

    public synchronized void remove(AdmissionPlugin plugin) {
        List<Registered> next = new ArrayList<>(plugins);
        next.removeIf(r -> r.plugin() == plugin);
        plugins = List.copyOf(next);
    }

    @Override
    public void admitCreate(ResourceType type, ObjectNode object, boolean dryRun) {
        ask(type, null, AdmissionAttributes.Operation.CREATE, object, null, dryRun);
    }

    @Override
    public void admitUpdate(ResourceType type, String subresource, ObjectNode object, ObjectNode old,
            boolean dryRun) {
        ask(type, subresource, AdmissionAttributes.Operation.UPDATE, object, old, dryRun);
    }

    private void ask(ResourceType type, String subresource, AdmissionAttributes.Operation operation,
            ObjectNode object, ObjectNode old, boolean dryRun) {
        List<Registered> ordered = plugins;
        if (ordered.isEmpty()) {
            return;
        }
        String namespace = type.namespaced() ? ObjectMetadata.namespace(object) : null;
        AdmissionAttributes attributes = new AdmissionAttributes(
                new ResourceKey(type.group(), type.version(), type.plural()), subresource, operation, namespace,
                ObjectMetadata.name(object), object, old, dryRun);
        for (Registered r : ordered) {
            try {
                r.plugin().admit(attributes);
            } catch (AdmissionDeniedException e) {
                throw ApiException.forbidden(type.plural(), type.group(), ObjectMetadata.name(object),
                        e.getMessage());
            }
        }
    }
}
