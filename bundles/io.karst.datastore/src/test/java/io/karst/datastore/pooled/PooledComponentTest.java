package io.karst.datastore.pooled;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.karst.api.datastore.KeyValueStore;
import io.karst.api.health.HealthCheck;
import io.karst.datastore.EndpointUri;

/**
 * A provider's component as the framework sees it: the Declarative Services description bnd generated (a wrong
 * annotation, such as a component registering no service at all, would otherwise show only when a server booted
 * on that database), and the component activated the way DS activates it, with its health check beside it.
 */
public abstract class PooledComponentTest {
    private final Class<? extends PooledKeyValueStore> component;
    private final String pid;
    private final String type;
    private final PooledTestDatabase databases;

    /**
     * @param component the provider's component class
     * @param pid its configuration PID
     * @param type its {@link KeyValueStore#TYPE_PROPERTY}
     * @param databases the provider's test server
     */
    protected PooledComponentTest(Class<? extends PooledKeyValueStore> component, String pid, String type,
            PooledTestDatabase databases) {
        this.component = component;
        this.pid = pid;
        this.type = type;
        this.databases = databases;
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        PooledTestDatabase.dropCreated();
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

    @Test
    void anActiveComponentServesAndRegistersTheEtcdHealthCheckUntilDeactivated() throws Exception {
        RecordingContext context = new RecordingContext();
        PooledKeyValueStore store = activate(databases.uri(databases.freshDatabase("component")), context.proxy);
        try {
            store.create("/component", "x".getBytes(UTF_8), 0);
            assertArrayEquals("x".getBytes(UTF_8), store.get("/component").orElseThrow().value());
            assertEquals(1, context.registered.size());
            Registered health = context.registered.get(0);
            assertEquals(HealthCheck.class.getName(), health.type);
            assertEquals("etcd", health.properties.get(HealthCheck.NAME));
            assertArrayEquals(new String[] {"livez", "readyz"},
                    (String[]) health.properties.get(HealthCheck.ENDPOINTS));
            assertEquals(HealthCheck.Result.ok(), ((HealthCheck) health.service).check());
        } finally {
            store.close();
        }
        assertTrue(context.registered.get(0).unregistered, "the health check is withdrawn with the store");
    }

    @Test
    void aMalformedEndpointFailsActivationWithTheExpectedForm() {
        RecordingContext context = new RecordingContext();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> activate("nosuchscheme://host/db", context.proxy));
        assertTrue(refused.getMessage().contains("expected " + type), refused.getMessage());
        assertEquals(List.of(), context.registered, "nothing is registered");
    }

    /** Calls the {@code @Activate} constructor as DS does, with the configuration's defaults but the endpoint. */
    private PooledKeyValueStore activate(String endpoint, BundleContext context) throws Exception {
        PooledStoreConfig config = (PooledStoreConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PooledStoreConfig.class},
                (proxy, method, args) -> method.getName().equals("endpoint") ? endpoint : method.getDefaultValue());
        try {
            return component.getConstructor(PooledStoreConfig.class, BundleContext.class).newInstance(config,
                    context);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
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

    /** A service the component registered itself. */
    private static final class Registered {
        final String type;
        final Object service;
        final Map<String, Object> properties = new HashMap<>();
        volatile boolean unregistered;

        Registered(String type, Object service, Dictionary<String, ?> properties) {
            this.type = type;
            this.service = service;
            for (var keys = properties.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                this.properties.put(key, properties.get(key));
            }
        }
    }

    /** The one bundle context call the component makes, recorded; any other call fails the test. */
    private static final class RecordingContext implements java.lang.reflect.InvocationHandler {
        final List<Registered> registered = new ArrayList<>();
        private final BundleContext proxy = (BundleContext) Proxy.newProxyInstance(
                RecordingContext.class.getClassLoader(), new Class<?>[] {BundleContext.class}, this);

        @Override
        @SuppressWarnings("unchecked")
        public Object invoke(Object self, java.lang.reflect.Method method, Object[] args) {
            if (method.getName().equals("registerService") && args[0] instanceof Class<?> type) {
                Registered service = new Registered(type.getName(), args[1], (Dictionary<String, ?>) args[2]);
                registered.add(service);
                return Proxy.newProxyInstance(RecordingContext.class.getClassLoader(),
                        new Class<?>[] {ServiceRegistration.class}, (registration, call, callArgs) -> {
                            if (!call.getName().equals("unregister")) {
                                throw new UnsupportedOperationException(call.getName());
                            }
                            service.unregistered = true;
                            return null;
                        });
            }
            throw new UnsupportedOperationException("BundleContext." + method.getName());
        }
    }
}
