package io.karst.apiserver.crd;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchEvent;
import io.karst.api.datastore.WatchListener;
import io.karst.apiserver.endpoint.ObjectMetadata;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;

/**
 * Serves the resources of the CustomResourceDefinitions: on every change of a CRD it decides each one's accepted
 * names (a plural, singular, short name, kind or list kind another CRD of the group, or a built-in resource, already
 * uses is refused, as upstream's naming controller refuses it), replaces the registry's resources with the
 * built-in ones plus those of the CRDs whose names are accepted, and then writes the CRDs' status
 * ({@code acceptedNames}, the {@code NamesAccepted} and {@code Established} conditions, {@code storedVersions}),
 * so a client that saw {@code Established} finds the resource served.
 */
public final class CustomResourceDefinitionController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CustomResourceDefinitionController.class);

    private final ObjectStore store;
    private final ResourceRegistry registry;
    private final List<ResourceType> builtIn;
    private final ResourceType crds;
    private final ScheduledExecutorService executor;
    private final Clock clock;
    private volatile Watch watch;
    private volatile List<ObjectNode> established = List.of();
    private volatile boolean closed;

    /**
     * @param builtIn the resources served whatever the CRDs say
     * @param executor where changes are handled (the handling is synchronized), and cleanups retried
     */
    public CustomResourceDefinitionController(ObjectStore store, ResourceRegistry registry,
            List<ResourceType> builtIn, ScheduledExecutorService executor, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.builtIn = List.copyOf(builtIn);
        this.crds = registry.find("apiextensions.k8s.io", "v1", "customresourcedefinitions").orElseThrow();
        this.executor = executor;
        this.clock = clock;
    }

    /** Serves the CRDs stored now and follows their changes. */
    public void start() {
        long revision = sync();
        watchFrom(revision);
    }

    private void watchFrom(long revision) {
        if (closed) {
            return;
        }
        watch = store.watch(crds, null, revision + 1, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                executor.execute(CustomResourceDefinitionController.this::syncQuietly);
            }

            @Override
            public void onClosed(DatastoreException cause) {
                if (cause != null && !closed) {
                    // the history was compacted or the store restarted: list again and watch from there
                    executor.execute(() -> {
                        try {
                            watchFrom(sync());
                        } catch (RuntimeException e) {
                            LOG.warn("CustomResourceDefinitions could not be watched again", e);
                        }
                    });
                }
            }
        });
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (RuntimeException e) {
            LOG.warn("CustomResourceDefinitions could not be served", e);
        }
    }

    /**
     * Brings the served resources and the CRDs' status up to date with the stored CRDs.
     *
     * @return the revision of the CRDs read
     */
    public synchronized long sync() {
        ObjectStore.Page page = store.list(crds, null, 0, 0, null);
        List<ObjectNode> all = new ArrayList<>(page.items());
        // names already accepted are kept: established CRDs first, then the others oldest first
        all.sort(Comparator.comparing((ObjectNode c) -> !CustomResourceDefinitionStatus.isEstablished(c))
                .thenComparing(c -> ObjectMetadata.text(c, "creationTimestamp"))
                .thenComparing(ObjectMetadata::name));
        Names used = new Names();
        builtIn.forEach(used::add);
        List<ResourceType> served = new ArrayList<>(builtIn);
        List<ObjectNode> changed = new ArrayList<>();
        List<ObjectNode> terminating = new ArrayList<>();
        List<ObjectNode> servedCrds = new ArrayList<>();
        for (ObjectNode crd : all) {
            ObjectNode status = CustomResourceDefinitionStatus.next(crd, used, clock);
            boolean finalizerMissing = !CustomResourceDefinitionStatus.isTerminating(crd)
                    && !CustomResourceCleanup.hasFinalizer(crd);
            if (!status.equals(crd.get("status")) || finalizerMissing) {
                ObjectNode updated = crd.deepCopy();
                updated.set("status", status);
                if (finalizerMissing) {
                    CustomResourceCleanup.addFinalizer(updated);
                }
                changed.add(updated);
                crd = updated;
            }
            if (CustomResourceDefinitionStatus.isTerminating(crd) && CustomResourceCleanup.hasFinalizer(crd)) {
                terminating.add(crd);
            }
            // a terminating CRD is still served, so controllers can finish its objects' finalizers
            if (CustomResourceDefinitionStatus.isEstablished(crd)) {
                List<ResourceType> types = CustomResourceTypes.of(crd);
                types.forEach(used::add);
                served.addAll(types);
                servedCrds.add(crd);
            }
        }
        registry.replace(served);
        if (!servedCrds.equals(established)) {
            established = List.copyOf(servedCrds);
        }
        java.util.Map<String, ObjectNode> written = new java.util.HashMap<>();
        for (ObjectNode crd : changed) {
            try {
                written.put(ObjectMetadata.name(crd),
                        store.update(crds, null, ObjectMetadata.name(crd), crd, ObjectMetadata.resourceVersion(crd)));
            } catch (ApiException e) {
                // changed meanwhile (409) or deleted (404): the watch brings the change and another pass
                LOG.debug("status of {} not written: {}", ObjectMetadata.name(crd), e.getMessage());
            }
        }
        for (ObjectNode crd : terminating) {
            if (!new CustomResourceCleanup(store, crds).finish(written.getOrDefault(ObjectMetadata.name(crd), crd))) {
                // objects wait for their finalizers: look again shortly
                executor.schedule(this::syncQuietly, 1, TimeUnit.SECONDS);
            }
        }
        return page.revision();
    }

    /**
     * The established CRDs whose resources are served now (for their OpenAPI documents); the same list instance
     * until one of them changes.
     */
    public List<ObjectNode> established() {
        return established;
    }

    @Override
    public void close() {
        closed = true;
        Watch w = watch;
        if (w != null) {
            w.close();
        }
    }

    /** The names taken in each group: resource names (plural, singular, short) and kinds (kind, list kind). */
    static final class Names {
        private final Set<String> resources = new HashSet<>();
        private final Set<String> kinds = new HashSet<>();

        void add(ResourceType t) {
            resources.add(t.group() + "/" + t.plural());
            if (t.singular() != null && !t.singular().isEmpty()) {
                resources.add(t.group() + "/" + t.singular());
            }
            t.shortNames().forEach(s -> resources.add(t.group() + "/" + s));
            kinds.add(t.group() + "/" + t.kind());
            kinds.add(t.group() + "/" + t.listKind());
        }

        boolean resourceTaken(String group, String name) {
            return !name.isEmpty() && resources.contains(group + "/" + name.toLowerCase(Locale.ROOT));
        }

        boolean kindTaken(String group, String kind) {
            return !kind.isEmpty() && kinds.contains(group + "/" + kind);
        }
    }
}
