package io.karst.itests.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;

class KarstBundlesTest {

    @InjectBundleContext
    BundleContext context;

    @Test
    void everyKarstBundleIsResolvedAndActive() {
        Map<String, String> states = new TreeMap<>();
        Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith("io.karst."))
                .forEach(b -> states.put(b.getSymbolicName(), stateName(b.getState())));

        // The expected set is written out so that a bundle silently dropped from -runbundles fails here too.
        assertEquals(Map.of("io.karst.api", "ACTIVE", "io.karst.apiserver", "ACTIVE", "io.karst.pki", "ACTIVE",
                "io.karst.admin", "ACTIVE", "io.karst.datastore.sqlite", "ACTIVE"), states);
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED (unresolved)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }
}
