package io.karst.cri.containerd.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.health.HealthCheck;
import io.karst.api.node.ContainerRuntime;
import io.karst.api.node.ContainerRuntimeException;
import io.karst.api.node.ImageService;
import io.karst.api.node.RuntimeVersion;

/**
 * The node's container runtime over containerd. It exists only while its configuration does. Activation writes
 * containerd's configuration and starts it (or, with {@code container.runtime.endpoint}, uses that socket); the
 * {@link ContainerRuntime}, {@link ImageService} and {@code containerd} {@link HealthCheck} services are
 * registered by hand, only once containerd answers Version, so a consumer never sees a runtime it cannot use.
 * Deactivation unregisters them, ends the threads, closes the channel and stops containerd with SIGTERM; the
 * containers keep running in their shims, and the next activation's containerd adopts them.
 */
@Component(configurationPid = "io.karst.cri.containerd", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = ContainerdConfig.class)
public final class ContainerdRuntimeComponent {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerdRuntimeComponent.class);
    /** How long each wait for the first answer lasts before it is logged and started again. */
    private static final Duration READY_LOG_INTERVAL = Duration.ofSeconds(30);

    private final BundleContext context;
    private final ContainerdNode node;
    private final Thread starter;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private volatile boolean deactivated;

    @Activate
    public ContainerdRuntimeComponent(BundleContext context, ContainerdConfig config) throws Exception {
        this.context = context;
        try {
            this.node = ContainerdNode.start(ContainerdNode.Settings.of(config));
        } catch (RegistriesFile.InvalidRegistriesException e) {
            // as K3s's agent on a bad registries.yaml: no runtime rather than one pulling from the wrong place
            LOG.error("The container runtime does not start: {}", e.getMessage());
            throw e;
        }
        this.starter = new Thread(this::registerWhenReady, "karst-containerd-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void registerWhenReady() {
        long started = System.nanoTime();
        RuntimeVersion version = null;
        while (version == null && !deactivated) {
            try {
                version = node.awaitReady(READY_LOG_INTERVAL);
            } catch (ContainerRuntimeException e) {
                LOG.warn("Still waiting for containerd: {}", e.getMessage());
            } catch (InterruptedException e) {
                return;
            }
        }
        synchronized (registrations) {
            if (deactivated) {
                return;
            }
            LOG.info("{} {} (CRI {}) ready at unix://{} after {} ms ({})", version.runtimeName(),
                    version.runtimeVersion(), version.runtimeApiVersion(), node.socket(),
                    (System.nanoTime() - started) / 1_000_000, node.transport());
            registrations.add(context.registerService(ContainerRuntime.class, node.runtime(), null));
            registrations.add(context.registerService(ImageService.class, node.images(), null));
            Dictionary<String, Object> health = new Hashtable<>();
            health.put(HealthCheck.NAME, "containerd");
            registrations.add(context.registerService(HealthCheck.class, node::health, health));
        }
        try {
            node.watchImageDirs();
        } catch (Exception e) {
            LOG.error("Cannot watch the image directories: {}", e.toString(), e);
        }
    }

    @Deactivate
    void deactivate() {
        deactivated = true;
        starter.interrupt();
        synchronized (registrations) {
            for (ServiceRegistration<?> registration : registrations) {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the framework unregisters a stopping bundle's services itself
                }
            }
            registrations.clear();
        }
        try {
            starter.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        node.close();
        LOG.info("containerd runtime stopped");
    }
}
