package io.karst.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.service.condition.Condition;

/**
 * Builds the status of every {@code io.karst.*} bundle from the framework, Declarative Services' runtime view and
 * the readiness conditions bundles register.
 */
public final class ComponentStatusReader {
    private static final String PREFIX = "io.karst.";

    private final BundleContext context;
    private final ServiceComponentRuntime scr;

    public ComponentStatusReader(BundleContext context, ServiceComponentRuntime scr) {
        this.context = context;
        this.scr = scr;
    }

    public List<ComponentStatus> read() {
        List<ComponentStatus> result = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith(PREFIX)) {
                result.add(statusOf(b));
            }
        }
        result.sort(Comparator.comparing(ComponentStatus::bundle));
        return result;
    }

    private ComponentStatus statusOf(Bundle bundle) {
        TreeSet<String> services = new TreeSet<>();
        TreeSet<String> conditions = new TreeSet<>();
        ServiceReference<?>[] registered = bundle.getRegisteredServices();
        if (registered != null) {
            for (ServiceReference<?> ref : registered) {
                for (String type : (String[]) ref.getProperty(Constants.OBJECTCLASS)) {
                    if (type.equals(Condition.class.getName())) {
                        conditions.add(String.valueOf(ref.getProperty(Condition.CONDITION_ID)));
                    } else if (!type.startsWith("org.apache.karaf.shell") && !type.startsWith("org.osgi.service.cm.")) {
                        // Shell actions and the ManagedServices SCR registers for configuration are plumbing,
                        // not what a component provides.
                        services.add(type.substring(type.lastIndexOf('.') + 1));
                    }
                }
            }
        }
        List<String> waiting = new ArrayList<>();
        if (bundle.getState() != Bundle.ACTIVE) {
            waiting.add("bundle not active");
        } else {
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                waiting.addAll(waitingFor(description));
            }
        }
        boolean ready = waiting.isEmpty();
        String detail = ready ? (conditions.isEmpty() ? "" : String.join(",", conditions)) : String.join("; ", waiting);
        return new ComponentStatus(bundle.getSymbolicName(), bundle.getVersion().toString(), stateName(bundle.getState()),
                List.copyOf(services), ready, detail);
    }

    private List<String> waitingFor(ComponentDescriptionDTO description) {
        String name = description.name.substring(description.name.lastIndexOf('.') + 1);
        List<String> waiting = new ArrayList<>();
        if (!scr.isComponentEnabled(description)) {
            waiting.add(name + " disabled");
            return waiting;
        }
        var configurations = scr.getComponentConfigurationDTOs(description);
        if (configurations.isEmpty()) {
            waiting.add(name + " needs configuration " + String.join(",", description.configurationPid));
        }
        for (ComponentConfigurationDTO c : configurations) {
            switch (c.state) {
                case ComponentConfigurationDTO.ACTIVE, ComponentConfigurationDTO.SATISFIED -> { }
                case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION ->
                    waiting.add(name + " needs configuration " + String.join(",", description.configurationPid));
                case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> {
                    List<String> missing = new ArrayList<>();
                    for (UnsatisfiedReferenceDTO r : c.unsatisfiedReferences) {
                        missing.add(r.name);
                    }
                    waiting.add(name + " waits for " + String.join(",", missing));
                }
                case ComponentConfigurationDTO.FAILED_ACTIVATION -> waiting.add(name + " failed: " + c.failure);
                default -> waiting.add(name + " state " + c.state);
            }
        }
        return waiting;
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "Active";
            case Bundle.RESOLVED -> "Resolved";
            case Bundle.INSTALLED -> "Installed";
            case Bundle.STARTING -> "Starting";
            case Bundle.STOPPING -> "Stopping";
            default -> "Uninstalled";
        };
    }
}
