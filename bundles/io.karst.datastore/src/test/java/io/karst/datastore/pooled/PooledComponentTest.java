package io.karst.datastore.pooled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.karst.api.datastore.KeyValueStore;

/**
 * The Declarative Services description bnd generated for a provider's component: the component is only ever
 * proven by the framework at run time, so a wrong annotation (a component registering no service at all) would
 * otherwise go unnoticed until a server booted on that database.
 */
public abstract class PooledComponentTest {
    private final Class<? extends PooledKeyValueStore> component;
    private final String pid;
    private final String type;

    /**
     * @param component the provider's component class
     * @param pid its configuration PID
     * @param type its {@link KeyValueStore#TYPE_PROPERTY}
     */
    protected PooledComponentTest(Class<? extends PooledKeyValueStore> component, String pid, String type) {
        this.component = component;
        this.pid = pid;
        this.type = type;
    }

    @Test
    void theComponentIsAKeyValueStoreServiceOfItsTypeOnlyWhenConfigured() throws Exception {
        Element description = description();
        assertEquals(pid, description.getAttribute("configuration-pid"));
        assertEquals("require", description.getAttribute("configuration-policy"));
        assertEquals("deactivate", description.getAttribute("deactivate"));
        assertEquals(List.of(KeyValueStore.class.getName()), attributes(description, "provide", "interface"));
        Map<String, String> properties = new HashMap<>();
        NodeList nodes = description.getElementsByTagName("property");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element property = (Element) nodes.item(i);
            properties.put(property.getAttribute("name"), property.getAttribute("value"));
        }
        assertEquals(type, properties.get(KeyValueStore.TYPE_PROPERTY));
        assertEquals("0", properties.get("service.ranking"), "above SQLite's -100");
    }

    private Element description() throws Exception {
        String resource = "OSGI-INF/" + component.getName() + ".xml";
        try (InputStream in = component.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " was not generated");
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(in).getDocumentElement();
        }
    }

    private static List<String> attributes(Element parent, String tag, String attribute) {
        List<String> values = new ArrayList<>();
        NodeList nodes = parent.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(((Element) nodes.item(i)).getAttribute(attribute));
        }
        return values;
    }
}
