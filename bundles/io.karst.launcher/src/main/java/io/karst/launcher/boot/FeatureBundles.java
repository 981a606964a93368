package io.karst.launcher.boot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The bundles of some Karst features, read from the features repository the build put into the distribution's
 * {@code system/}: the lean agent runtime installs exactly what Karaf would, from the one list the build maintains.
 * Without Karaf's resolver the expansion is literal, in document order, each bundle once:
 * <ul>
 * <li>{@code <bundle>} entries, also those marked {@code dependency="true"} (Karaf installs them when another
 * bundle needs them; here every one named by an agent feature is needed, and an unused one would only sit there);
 * <li>nested {@code <feature>}s of this repository, except {@code dependency="true"} ones, which name a default
 * provider Karaf installs only when nothing else provides a service (a server's API server for the kubelet);
 * <li>nested features of other repositories (Karaf's {@code scr}, {@code shell}) must be named in
 * {@code provided}, the features the caller's platform stands in for; any other is an error, not a silent gap;
 * <li>{@code <conditional>} blocks are left out: their conditions are Karaf features (the shell) that the lean
 * runtime never has.
 * </ul>
 */
final class FeatureBundles {
    private final Map<String, Element> features;

    private FeatureBundles(Map<String, Element> features) {
        this.features = features;
    }

    static FeatureBundles read(Path repository) throws IOException {
        try (InputStream in = Files.newInputStream(repository)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            NodeList list = factory.newDocumentBuilder().parse(in).getDocumentElement().getChildNodes();
            Map<String, Element> features = new HashMap<>();
            for (int i = 0; i < list.getLength(); i++) {
                if (list.item(i) instanceof Element e && e.getLocalName().equals("feature")) {
                    features.put(e.getAttribute("name"), e);
                }
            }
            return new FeatureBundles(features);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("cannot read the features repository " + repository + ": " + e.getMessage(), e);
        }
    }

    /** The bundles' {@code mvn:} locations, in install order. */
    List<String> bundles(List<String> names, Set<String> provided) {
        Set<String> bundles = new LinkedHashSet<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String name : names) {
            expand(name, provided, seen, bundles);
        }
        return new ArrayList<>(bundles);
    }

    private void expand(String name, Set<String> provided, Set<String> seen, Set<String> bundles) {
        if (!seen.add(name)) {
            return;
        }
        Element feature = features.get(name);
        if (feature == null) {
            if (provided.contains(name)) {
                return;
            }
            throw new IllegalArgumentException("feature " + name + " is neither in the Karst features repository"
                    + " nor provided by the platform " + provided);
        }
        NodeList children = feature.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (!(children.item(i) instanceof Element child)) {
                continue;
            }
            switch (child.getLocalName()) {
                case "bundle" -> bundles.add(text(child));
                case "feature" -> {
                    if (!"true".equals(child.getAttribute("dependency"))) {
                        expand(text(child), provided, seen, bundles);
                    }
                }
                default -> {
                    // conditional, config, capability, requirement: nothing the lean runtime installs
                }
            }
        }
    }

    private static String text(Node node) {
        return node.getTextContent().trim();
    }

    /**
     * Where a {@code mvn:group/artifact/version[/type[/classifier]]} location lies in a Maven-layout folder such as
     * the distribution's {@code system/}.
     */
    static Path inRepository(Path repository, String location) {
        if (!location.startsWith("mvn:")) {
            throw new IllegalArgumentException("not a mvn: location: " + location);
        }
        String[] parts = location.substring("mvn:".length()).split("/");
        if (parts.length < 3) {
            throw new IllegalArgumentException("not a mvn:group/artifact/version location: " + location);
        }
        String group = parts[0];
        String artifact = parts[1];
        String version = parts[2];
        String type = parts.length > 3 && !parts[3].isEmpty() ? parts[3] : "jar";
        String classifier = parts.length > 4 && !parts[4].isEmpty() ? "-" + parts[4] : "";
        return repository.resolve(group.replace('.', '/')).resolve(artifact).resolve(version)
                .resolve(artifact + "-" + version + classifier + "." + type);
    }
}
