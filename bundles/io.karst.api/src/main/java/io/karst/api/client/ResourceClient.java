package io.karst.api.client;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

import io.karst.api.security.UserInfo;

/**
 * The cluster's resource API for code in the JVM: the verbs with the HTTP API's semantics (same validation,
 * defaulting, concurrency control and errors) on Jackson trees, and shared informers.
 *
 * <p>Registered as a service once the API can be used; {@value #PROVIDER} says which implementation it is
 * ({@value #LOCAL}: in-process inside the API server, no HTTP and no JSON round trip; {@value #REMOTE}: over
 * HTTPS), so a consumer that must run next to the API server can target it.
 *
 * <p>Calls are made as {@link #user()}: {@link #INTERNAL_USER} unless the client came from {@link #as}.
 */
@ProviderType
public interface ResourceClient {

    /** Service property naming the implementation. */
    String PROVIDER = "karst.client";

    /** {@value #PROVIDER} of the in-process client of the API server. */
    String LOCAL = "local";

    /**
     * {@value #PROVIDER} of the client that reaches the API servers over HTTPS (an agent node's).
     *
     * @since 1.2
     */
    String REMOTE = "remote";

    /** The identity of the server's own components: a cluster administrator. */
    UserInfo INTERNAL_USER = new UserInfo("system:karst:internal", "", List.of("system:masters"), Map.of());

    /** Who the calls are made as. */
    UserInfo user();

    /** A client making the same calls as {@code user} (authorization applies to that user). */
    ResourceClient as(UserInfo user);

    /** The verbs on one resource, across all namespaces until {@link ResourceOperations#inNamespace}. */
    ResourceOperations resource(ResourceKey key);

    default ResourceOperations resource(String group, String version, String resource) {
        return resource(new ResourceKey(group, version, resource));
    }

    /**
     * Every resource the API serves at every version, subresources excluded (discovery). Resources can come and
     * go (custom resources), so callers ask again rather than keep the list.
     */
    List<ApiResource> resources();

    /** The shared informers of this client's user. */
    InformerFactory informers();
}
