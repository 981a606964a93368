package io.karst.kubelet.node;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceClient;
import io.karst.api.client.ResourceException;
import io.karst.api.client.ResourceKey;
import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.Image;
import io.karst.api.node.ImageService;
import io.karst.api.node.RuntimeStatus;
import io.karst.api.node.RuntimeVersion;
import io.karst.kubelet.KubeletConfig;

/**
 * Keeps this node's Node object and its heartbeat Lease: registers the Node (or takes over the existing one, adding
 * this kubelet's labels), renews {@code kube-node-lease/<node>} every 10 s, and writes {@code status} (capacity,
 * conditions, addresses, node info, images) when it changes and at least every 5 minutes — upstream's
 * nodeStatusUpdateFrequency and nodeStatusReportFrequency. Hands the Node's {@code spec.podCIDR} to the container
 * runtime once the node IPAM controller has set it.
 */
public final class NodeAgent {
    public static final ResourceKey NODES = new ResourceKey("", "v1", "nodes");
    static final ResourceKey LEASES = new ResourceKey("coordination.k8s.io", "v1", "leases");
    static final int LEASE_DURATION_SECONDS = 40;
    static final Duration REPORT_EVERY = Duration.ofMinutes(5);
    private static final int MAX_IMAGES = 50;
    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

    private final KubeletConfig config;
    private final ResourceClient client;
    private final ContainerRuntime runtime;
    private final ImageService images;
    private final MachineInfo machine;
    private final NodePressure pressure;
    private volatile String nodeUid = "";
    private volatile String podCidr = "";
    private volatile ObjectNode lastStatus;
    private volatile Instant lastReport = Instant.EPOCH;

    public NodeAgent(KubeletConfig config, ResourceClient client, ContainerRuntime runtime, ImageService images,
            NodePressure pressure) {
        this.config = config;
        this.pressure = pressure;
        this.client = client;
        this.runtime = runtime;
        this.images = images;
        this.machine = MachineInfo.read(config.dataDir());
    }

    /** Creates the Node, or adds this kubelet's labels to the one registered before; returns its uid. */
    public String register() {
        ObjectNode wanted = NodeObject.create(config);
        try {
            ObjectNode created = client.resource(NODES).create(wanted);
            nodeUid = created.path("metadata").path("uid").asText();
            LOG.info("Registered node {}", config.nodeName());
        } catch (ResourceException e) {
            if (!e.isAlreadyExists()) {
                throw e;
            }
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            patch.putObject("metadata").set("labels", wanted.path("metadata").path("labels"));
            ObjectNode existing = client.resource(NODES).patch(config.nodeName(), PatchTypes.MERGE_PATCH, patch);
            nodeUid = existing.path("metadata").path("uid").asText();
            LOG.info("Node {} was registered before; taking it over", config.nodeName());
        }
        return nodeUid;
    }

    /** One heartbeat: renews the Lease and writes the status if it changed or is due. */
    public void heartbeat() {
        renewLease();
        ObjectNode node = client.resource(NODES).get(config.nodeName());
        nodeUid = node.path("metadata").path("uid").asText();
        String cidr = node.path("spec").path("podCIDR").asText("");
        if (!cidr.isEmpty() && !cidr.equals(podCidr)) {
            runtime.updatePodCidr(cidr);
            podCidr = cidr;
            LOG.info("Pod range of node {}: {}", config.nodeName(), cidr);
        }
        ObjectNode status = status(node.path("status"));
        Instant now = Instant.now();
        // the API's conditions count too: the node lifecycle controller marks a silent node's Unknown
        if (lastStatus == null || !withoutTimes(status).equals(withoutTimes(lastStatus))
                || !conditionStatuses(status).equals(conditionStatuses(node.path("status")))
                || Duration.between(lastReport, now).compareTo(REPORT_EVERY) >= 0) {
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            patch.set("status", status);
            client.resource(NODES).patchStatus(config.nodeName(), PatchTypes.MERGE_PATCH, patch);
            lastStatus = status;
            lastReport = now;
        }
    }

    private static java.util.Map<String, String> conditionStatuses(JsonNode status) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        status.path("conditions").forEach(c -> out.put(c.path("type").asText(), c.path("status").asText()));
        return out;
    }

    public String podCidr() {
        return podCidr;
    }

    /** {@code status.allocatable} as last reported (empty before the first heartbeat). */
    public JsonNode allocatable() {
        ObjectNode status = lastStatus;
        return status == null ? JsonNodeFactory.instance.objectNode() : status.path("allocatable");
    }

    private void renewLease() {
        var leases = client.resource(LEASES).inNamespace("kube-node-lease");
        String now = MICRO_TIME.format(Instant.now());
        Optional<ObjectNode> existing = leases.find(config.nodeName());
        if (existing.isPresent()) {
            ObjectNode lease = existing.get();
            ObjectNode spec = lease.with("spec");
            spec.put("holderIdentity", config.nodeName());
            spec.put("leaseDurationSeconds", LEASE_DURATION_SECONDS);
            spec.put("renewTime", now);
            leases.update(lease);
            return;
        }
        ObjectNode lease = JsonNodeFactory.instance.objectNode();
        lease.put("apiVersion", "coordination.k8s.io/v1");
        lease.put("kind", "Lease");
        ObjectNode meta = lease.putObject("metadata");
        meta.put("name", config.nodeName());
        meta.put("namespace", "kube-node-lease");
        if (!nodeUid.isEmpty()) {
            meta.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Node")
                    .put("name", config.nodeName()).put("uid", nodeUid);
        }
        ObjectNode spec = lease.putObject("spec");
        spec.put("holderIdentity", config.nodeName());
        spec.put("leaseDurationSeconds", LEASE_DURATION_SECONDS);
        spec.put("renewTime", now);
        leases.create(lease);
    }

    /** The status this kubelet reports, keeping the transition times of conditions that did not change. */
    ObjectNode status(JsonNode previous) {
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        ObjectNode capacity = status.putObject("capacity");
        capacity.put("cpu", Integer.toString(machine.cpus()));
        capacity.put("ephemeral-storage", machine.ephemeralStorageBytes() / 1024 + "Ki");
        capacity.put("hugepages-1Gi", "0");
        capacity.put("hugepages-2Mi", "0");
        capacity.put("memory", machine.memoryBytes() / 1024 + "Ki");
        capacity.put("pods", Integer.toString(config.maxPods()));
        status.set("allocatable", capacity.deepCopy()); // K3s reserves nothing by default

        RuntimeStatus runtimeStatus = runtime.status();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        ArrayNode conditions = status.putArray("conditions");
        boolean memory = pressure.memoryPressure();
        boolean disk = pressure.diskPressure();
        boolean pid = pressure.pidPressure();
        condition(conditions, previous, now, "MemoryPressure", memory,
                memory ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory",
                memory ? "kubelet has insufficient memory available" : "kubelet has sufficient memory available");
        condition(conditions, previous, now, "DiskPressure", disk,
                disk ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
                disk ? "kubelet has disk pressure" : "kubelet has no disk pressure");
        condition(conditions, previous, now, "PIDPressure", pid,
                pid ? "KubeletHasInsufficientPID" : "KubeletHasSufficientPID",
                pid ? "kubelet has insufficient PID available" : "kubelet has sufficient PID available");
        boolean ready = runtimeStatus.runtimeReady() && runtimeStatus.networkReady();
        String notReady = !runtimeStatus.runtimeReady() ? "container runtime is down: " + runtimeStatus.message()
                : "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:"
                        + (podCidr.isEmpty() ? "no pod range assigned to the node yet" : runtimeStatus.message());
        condition(conditions, previous, now, "Ready", ready, ready ? "KubeletReady" : "KubeletNotReady",
                ready ? "kubelet is posting ready status" : notReady);

        status.set("addresses", NodeObject.addresses(config));
        status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", 10250);
        RuntimeVersion version = runtime.version();
        ObjectNode info = status.putObject("nodeInfo");
        info.put("machineID", machine.machineId());
        info.put("systemUUID", machine.systemUuid());
        info.put("bootID", machine.bootId());
        info.put("kernelVersion", machine.kernelVersion());
        info.put("osImage", machine.osImage());
        info.put("containerRuntimeVersion", version.runtimeName() + "://" + version.runtimeVersion());
        info.put("kubeletVersion", config.kubeletVersion());
        info.put("kubeProxyVersion", "");
        info.put("operatingSystem", "linux");
        info.put("architecture", machine.architecture());
        ArrayNode imageList = status.putArray("images");
        List<Image> present = images.listImages().stream()
                .sorted(Comparator.comparingLong(Image::size).reversed()).limit(MAX_IMAGES).toList();
        for (Image image : present) {
            ObjectNode entry = imageList.addObject();
            ArrayNode names = entry.putArray("names");
            image.repoDigests().forEach(names::add);
            image.repoTags().forEach(names::add);
            entry.put("sizeBytes", image.size());
        }
        return status;
    }

    private static void condition(ArrayNode conditions, JsonNode previous, String now, String type, boolean value,
            String reason, String message) {
        String status = value ? "True" : "False";
        String transition = now;
        for (JsonNode c : previous.path("conditions")) {
            if (c.path("type").asText().equals(type) && c.path("status").asText().equals(status)
                    && c.hasNonNull("lastTransitionTime")) {
                transition = c.path("lastTransitionTime").asText();
            }
        }
        conditions.addObject().put("type", type).put("status", status).put("lastHeartbeatTime", now)
                .put("lastTransitionTime", transition).put("reason", reason).put("message", message);
    }

    private static JsonNode withoutTimes(ObjectNode status) {
        ObjectNode copy = status.deepCopy();
        for (JsonNode c : copy.path("conditions")) {
            ((ObjectNode) c).remove("lastHeartbeatTime");
        }
        return copy;
    }
}
