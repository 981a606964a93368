package io.karst.controllers.nodeipam;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.Informer;
import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceEventHandler;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.controller.ControllerContext;
import io.karst.api.controller.EventRecorder;
import io.karst.api.controller.ReconcileResult;

/**
 * kube-controller-manager's node IPAM controller with the range allocator (what K3s runs with
 * {@code --allocate-node-cidrs}): every Node without {@code spec.podCIDR} gets the lowest free range of
 * {@code cluster.cidr} at {@code node.cidr.mask.size} bits, which its kubelet hands to the container runtime for pod
 * addresses. Ranges of existing Nodes are counted as taken before anything is allocated, and freed when the Node
 * goes. IPv4 only: the IPv6 part of a dual-stack cluster CIDR is not allocated yet.
 */
@Component(service = Controller.class, property = Controller.NAME + "=" + NodeIpamController.NAME,
        configurationPid = NodeIpamController.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = NodeIpamController.Config.class)
public final class NodeIpamController implements Controller {
    static final String NAME = "node-ipam";
    static final String PID = "io.karst.controllers.nodeipam";
    static final ResourceKey NODES = new ResourceKey("", "v1", "nodes");
    private static final Logger LOG = LoggerFactory.getLogger(NodeIpamController.class);

    @ObjectClassDefinition(name = "Karst node IPAM controller")
    public @interface Config {
        @AttributeDefinition(description = "The pod network; its first IPv4 CIDR is cut into node ranges")
        String cluster_cidr() default "10.42.0.0/16";

        @AttributeDefinition(description = "Prefix length of each node's range")
        int node_cidr_mask_size() default 24;
    }

    private final String clusterCidr;
    private final int maskSize;
    /** Node name → the range this controller saw on it, so a deleted Node's range is freed. */
    private final Map<String, String> assigned = new ConcurrentHashMap<>();
    private volatile NodeCidrs cidrs;
    private volatile ResourceClient client;
    private volatile Informer nodes;
    private volatile EventRecorder events;

    @Activate
    public NodeIpamController(Config config) {
        this(config.cluster_cidr(), config.node_cidr_mask_size());
    }

    public NodeIpamController(String clusterCidr, int maskSize) {
        this.clusterCidr = firstIpv4(clusterCidr);
        this.maskSize = maskSize;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(ControllerContext ctx) {
        client = ctx.client();
        events = ctx.events();
        cidrs = new NodeCidrs(clusterCidr, maskSize);
        assigned.clear();
        nodes = ctx.informers().informer(NODES);
        ctx.handle(nodes, new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode node) {
                seen(node);
                ctx.queue().add(name(node));
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode node) {
                seen(node);
                ctx.queue().add(name(node));
            }

            @Override
            public void onDelete(ObjectNode node, boolean finalStateUnknown) {
                String cidr = assigned.remove(name(node));
                if (cidr != null) {
                    cidrs.release(cidr);
                }
            }
        });
    }

    /** Counts a Node's range as taken as soon as it is seen, before any allocation decides. */
    private void seen(ObjectNode node) {
        String cidr = node.path("spec").path("podCIDR").asText("");
        if (!cidr.isEmpty() && cidrs.occupy(cidr)) {
            assigned.put(name(node), cidr);
        }
    }

    @Override
    public ReconcileResult reconcile(String name) {
        Optional<ObjectNode> cached = nodes.lister().get(null, name);
        if (cached.isEmpty() || !cached.get().path("spec").path("podCIDR").asText("").isEmpty()) {
            return ReconcileResult.DONE;
        }
        // every Node the cache holds must be counted before a range is handed out
        nodes.lister().list().forEach(this::seen);
        if (assigned.containsKey(name)) {
            return ReconcileResult.DONE; // allocated by an earlier pass; the cache has not shown it yet
        }
        Optional<String> cidr = cidrs.allocate();
        if (cidr.isEmpty()) {
            events.event(cached.get(), "Normal", "CIDRNotAvailable", "Node " + name + " status is now: "
                    + "CIDRNotAvailable");
            LOG.warn("No pod range left in {} for node {} ({} ranges of /{})", clusterCidr, name,
                    cidrs.capacity(), maskSize);
            return ReconcileResult.DONE; // looked at again when a Node goes
        }
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        ObjectNode spec = patch.putObject("spec");
        spec.put("podCIDR", cidr.get());
        spec.putArray("podCIDRs").add(cidr.get());
        try {
            client.resource(NODES).patch(name, PatchTypes.MERGE_PATCH, patch);
            assigned.put(name, cidr.get());
            events.event(cached.get(), "Normal", "CIDRAssignmentSucceeded", "Node " + name
                    + " was assigned the pod range " + cidr.get());
        } catch (ResourceException e) {
            cidrs.release(cidr.get());
            if (!e.isNotFound()) {
                throw e;
            }
        }
        return ReconcileResult.DONE;
    }

    private static String name(JsonNode node) {
        return node.path("metadata").path("name").asText();
    }

    private static String firstIpv4(String clusterCidr) {
        for (String part : clusterCidr.split(",")) {
            if (part.contains(".")) {
                return part.trim();
            }
        }
        throw new IllegalArgumentException("cluster CIDR " + clusterCidr + " has no IPv4 range");
    }
}
