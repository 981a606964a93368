package io.karst.apiserver.authorization;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

import io.karst.api.client.ResourceClient;

/**
 * The API server's built-in authorization, set up once the datastore serves: the bootstrap policy written, the
 * informers the authorizers read started and synced, the ClusterRole aggregation following them. The client is
 * the server's in-process loopback client, which itself is never authorized (it is the API server acting).
 */
public final class ClusterAuthorization {
    private final NodeAuthorizer node;
    private final RbacAuthorizer rbac;
    private final BootstrapPolicy policy;
    private final RbacObjects objects;

    private ClusterAuthorization(NodeAuthorizer node, RbacAuthorizer rbac, BootstrapPolicy policy,
            RbacObjects objects) {
        this.objects = objects;
        this.node = node;
        this.rbac = rbac;
        this.policy = policy;
    }

    /** The access reviews, answered by the chain these authorizers are in. */
    public AccessReviews reviews(AuthorizationChain chain) {
        return new AccessReviews(chain, rbac, policy.rules("system:node"));
    }

    public static ClusterAuthorization start(ResourceClient loopback, ScheduledExecutorService executor,
            Duration syncTimeout) throws InterruptedException {
        BootstrapPolicy policy = BootstrapPolicy.load();
        policy.ensure(loopback);
        CachedAuthorizationObjects objects = new CachedAuthorizationObjects(loopback.informers());
        objects.clusterRoleInformer().addEventHandler(new ClusterRoleAggregation(
                () -> objects.clusterRoleInformer().lister().list(), loopback, executor));
        objects.start(syncTimeout);
        return new ClusterAuthorization(new NodeAuthorizer(objects, policy.rules("system:node")),
                new RbacAuthorizer(objects), policy, objects);
    }

    /** Turns on the RBAC escalation and bind checks of the write path, answered by this chain and policy. */
    public void enforceEscalationChecks(EscalationAdmission admission, AuthorizationChain chain) {
        admission.enforce(chain, rbac, objects);
    }

    public NodeAuthorizer node() {
        return node;
    }

    public RbacAuthorizer rbac() {
        return rbac;
    }

    /** Adds both authorizers to a chain directly (tests; the component registers them as services instead). */
    public void addTo(AuthorizationChain chain) {
        chain.add(node, NodeAuthorizer.RANKING, -2);
        chain.add(rbac, RbacAuthorizer.RANKING, -1);
    }
}
