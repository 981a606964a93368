package io.karst.api.client;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads an {@link Informer}'s cache: no API call, the state as of the last event the informer processed. The
 * objects are shared: never modify them ({@code deepCopy()} first). The providers enforce it: an informer's objects
 * are read-only trees, whose every container throws {@link UnsupportedOperationException} when changed.
 */
@ProviderType
public interface Lister {

    /** @param namespace {@code null} for a cluster-scoped resource */
    Optional<ObjectNode> get(String namespace, String name);

    /** Every cached object. */
    List<ObjectNode> list();

    /** The cached objects of one namespace. */
    List<ObjectNode> list(String namespace);

    /** The cached objects that pass {@code filter}. */
    List<ObjectNode> list(Predicate<ObjectNode> filter);

    /**
     * The objects whose index function, for the index {@code indexName}, returned {@code value}.
     *
     * @throws IllegalArgumentException when the informer has no such index
     */
    List<ObjectNode> byIndex(String indexName, String value);
}
