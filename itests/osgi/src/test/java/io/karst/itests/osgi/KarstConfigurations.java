package io.karst.itests.osgi;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.function.BooleanSupplier;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Creates and deletes the configurations that switch Karst's components on, as the launcher would write them. */
final class KarstConfigurations {
    static final String PKI_PID = "io.karst.pki";
    static final String APISERVER_PID = "io.karst.apiserver";
    static final String READY_FILTER = "(osgi.condition.id=karst.apiserver.ready)";
    /** Generous: the first PKI start generates every key of the cluster. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * Location "?" binds the configuration to whichever bundle asks for it; without a location ConfigAdmin would bind
     * it to this test bundle and SCR, acting for io.karst.pki, would never see it.
     */
    private static final String ANY_BUNDLE = "?";

    private final ConfigurationAdmin configAdmin;

    KarstConfigurations(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    Configuration pki(Path dataDir, int httpsPort) throws IOException {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("data.dir", dataDir.toString());
        props.put("node.name", "test");
        props.put("https.port", httpsPort);
        // Keep every file the component writes inside the temporary data directory.
        props.put("write.kubeconfig", dataDir.resolve("kubeconfig.yaml").toString());
        return update(PKI_PID, props);
    }

    /** The embedded datastore the API server stores objects in. */
    Configuration datastore(Path dataDir) throws IOException {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("data.dir", dataDir.toString());
        return update("io.karst.datastore.sqlite", props);
    }

    Configuration apiServer(int httpsPort) throws IOException {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("https.port", httpsPort);
        props.put("bind.address", "127.0.0.1");
        return update(APISERVER_PID, props);
    }

    private Configuration update(String pid, Dictionary<String, Object> props) throws IOException {
        Configuration configuration = configAdmin.getConfiguration(pid, ANY_BUNDLE);
        configuration.update(props);
        return configuration;
    }

    /** Deletes every io.karst configuration, the API server's first so that it stops before the PKI it uses. */
    void deleteAll() throws IOException, InvalidSyntaxException {
        delete(APISERVER_PID);
        Configuration[] all = configAdmin.listConfigurations("(service.pid=io.karst.*)");
        if (all != null) {
            for (Configuration c : all) {
                c.delete();
            }
        }
    }

    void delete(String pid) throws IOException, InvalidSyntaxException {
        Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
        if (found != null) {
            for (Configuration c : found) {
                c.delete();
            }
        }
    }

    /** A port nobody listens on now: the system picks it when we bind port 0. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Whether a new listener can bind the port, i.e. nobody holds it. */
    static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until {@code condition} holds; false when {@link #TIMEOUT} passed first. */
    static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
