package io.karst.kubelet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.karst.api.client.ResourceClient;
import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ImageService;
import io.karst.api.node.KubeletHttp;
import io.karst.api.node.PodLogs;
import io.karst.api.node.PodStreams;
import io.karst.kubelet.eviction.CgroupPodUsage;
import io.karst.kubelet.eviction.EvictionThresholds;
import io.karst.kubelet.eviction.MachineSignals;
import io.karst.kubelet.image.ImageGcManager;
import io.karst.kubelet.image.ImageGcPolicy;
import io.karst.kubelet.image.NodeEvents;
import io.karst.kubelet.logs.ContainerLogs;
import io.karst.kubelet.server.KubeletHttpApi;
import io.karst.kubelet.streams.ContainerStreams;

/**
 * Runs this node's {@link Kubelet} while the API client and the container runtime are there; configured by the
 * launcher (PID {@code io.karst.kubelet}). On a server the client is the API server's in-process one; an agent's
 * configuration retargets it ({@code client.target}) to the remote one.
 */
@Component(service = {}, configurationPid = KubeletComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = KubeletComponent.Config.class)
public final class KubeletComponent {
    static final String PID = "io.karst.kubelet";

    @ObjectClassDefinition(name = "Karst kubelet")
    public @interface Config {
        @AttributeDefinition(description = "The Node's name")
        String node_name();

        @AttributeDefinition(description = "The node's addresses, the first one primary")
        String[] node_ips();

        @AttributeDefinition(description = "The node's data dir")
        String data_dir();

        @AttributeDefinition(description = "Labels to register the Node with (key=value)", required = false)
        String[] node_labels() default {};

        @AttributeDefinition(description = "Taints to register the Node with (key=value:Effect)", required = false)
        String[] node_taints() default {};

        @AttributeDefinition(description = "The cluster DNS Service's addresses, for pods' resolv.conf",
                required = false)
        String[] cluster_dns() default {};

        @AttributeDefinition(description = "The cluster's DNS domain", required = false)
        String cluster_domain() default "cluster.local";

        @AttributeDefinition(description = "Whether this node is a server (control-plane role labels)",
                required = false)
        boolean control_plane() default false;

        @AttributeDefinition(description = "Pods this node takes at most", required = false)
        int max_pods() default 110;

        @AttributeDefinition(description = "Image filesystem usage (%) at which unused images are removed; 100 "
                + "turns image garbage collection off", required = false, min = "0", max = "100")
        int image_gc_high_threshold_percent() default 85;

        @AttributeDefinition(description = "Image filesystem usage (%) image garbage collection frees down to",
                required = false, min = "0", max = "100")
        int image_gc_low_threshold_percent() default 80;

        @AttributeDefinition(description = "Seconds an unused image is kept at least before it may be removed",
                required = false, min = "0")
        long image_minimum_gc_age_seconds() default 120;

        @AttributeDefinition(description = "Hard eviction thresholds, as upstream's --eviction-hard: signal<value "
                + "statements separated by commas (memory.available, nodefs.available, nodefs.inodesFree, "
                + "imagefs.available, imagefs.inodesFree, pid.available; a quantity or a percentage); empty turns "
                + "eviction off", required = false)
        String eviction_hard() default EvictionThresholds.DEFAULT_TEXT;

        @AttributeDefinition(description = "Seconds a pressure condition stays after its threshold was last crossed "
                + "(upstream's evictionPressureTransitionPeriod)", required = false, min = "0")
        long eviction_pressure_transition_period_seconds() default 300;
    }

    private final Kubelet kubelet;
    private final ImageGcManager imageGc;
    private final ServiceRegistration<PodLogs> logs;
    private final ServiceRegistration<PodStreams> streams;
    private final ServiceRegistration<KubeletHttp> http;

    @Activate
    public KubeletComponent(Config config, BundleContext context,
            @Reference(name = "client", target = "(" + ResourceClient.PROVIDER + "=" + ResourceClient.LOCAL + ")")
            ResourceClient client,
            @Reference ContainerRuntime runtime, @Reference ImageService images) {
        // an invalid policy stops the kubelet, as upstream's refuses to start
        ImageGcPolicy imageGcPolicy = new ImageGcPolicy(config.image_gc_high_threshold_percent(),
                config.image_gc_low_threshold_percent(), Duration.ofSeconds(config.image_minimum_gc_age_seconds()));
        EvictionThresholds evictionHard = evictionHard(config.eviction_hard());
        if (config.eviction_pressure_transition_period_seconds() < 0) {
            throw new IllegalArgumentException("Kubelet not started: eviction.pressure.transition.period.seconds "
                    + config.eviction_pressure_transition_period_seconds() + " must not be negative");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String label : config.node_labels()) {
            int eq = label.indexOf('=');
            labels.put(eq < 0 ? label : label.substring(0, eq), eq < 0 ? "" : label.substring(eq + 1));
        }
        String kubernetes = context.getBundle().getHeaders().get("Karst-Kubernetes-Version");
        String release = context.getBundle().getHeaders().get("Karst-Version");
        String version = (kubernetes == null ? "v0.0.0" : kubernetes) + "+karst"
                + (release == null ? "" : release.replace("-SNAPSHOT", "").replace(".SNAPSHOT", ""));
        KubeletConfig kubeletConfig = new KubeletConfig(config.node_name(), List.of(config.node_ips()),
                Path.of(config.data_dir()).toAbsolutePath(), labels, Arrays.asList(config.node_taints()),
                Arrays.asList(config.cluster_dns()), config.cluster_domain(), config.control_plane(),
                config.max_pods(), version, evictionHard,
                Duration.ofSeconds(config.eviction_pressure_transition_period_seconds()));
        this.imageGc = new ImageGcManager(imageGcPolicy, images, runtime, new NodeEvents(client, config.node_name()))
                .start();
        this.kubelet = new Kubelet(kubeletConfig, client, runtime, images,
                new MachineSignals(kubeletConfig.dataDir(), images), new CgroupPodUsage(runtime, kubeletConfig),
                imageGc::deleteUnusedImages).start();
        this.logs = context.registerService(PodLogs.class,
                new ContainerLogs(kubeletConfig, runtime, kubelet.pods()::runtimeUid),
                new Hashtable<>(Map.of(PodLogs.NODE_NAME, config.node_name())));
        this.streams = context.registerService(PodStreams.class,
                new ContainerStreams(runtime, kubelet.pods()::runtimeUid),
                new Hashtable<>(Map.of(PodStreams.NODE_NAME, config.node_name())));
        this.http = context.registerService(KubeletHttp.class,
                new KubeletHttpApi(kubeletConfig, kubelet.stats(), kubelet.pods()::pods),
                new Hashtable<>(Map.of(KubeletHttp.NODE_NAME, config.node_name())));
    }

    /** The thresholds of {@code eviction.hard}; unreadable ones stop the kubelet, as upstream's refuses to start. */
    static EvictionThresholds evictionHard(String text) {
        try {
            return EvictionThresholds.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Kubelet not started: invalid eviction.hard \"" + text + "\": "
                    + e.getMessage(), e);
        }
    }

    @Deactivate
    void deactivate() {
        http.unregister();
        streams.unregister();
        logs.unregister();
        kubelet.close();
        imageGc.close();
    }
}
