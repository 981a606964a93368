package io.karst.tunnel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import io.karst.api.node.LogOptions;
import io.karst.api.node.PodLogs;
import io.karst.api.tunnel.TunnelLink;
import io.karst.tunnel.mux.TunnelError;

/**
 * An agent that restarts before the server saw its old tunnel close: the new tunnel replaces the old one at once
 * (its services withdrawn, its link closed), and the old link's late close takes nothing of the new one's.
 */
class TunnelServerComponentTest {
    private final List<Registration> registrations = new ArrayList<>();
    private final TunnelServerComponent server = new TunnelServerComponent(context(), config());

    @AfterEach
    void stop() {
        server.deactivate();
    }

    @Test
    void aNodesNewTunnelReplacesItsOldOneAndTheOldOnesLateCloseLeavesTheNewOne() throws Exception {
        Link first = new Link();
        TunnelLink.Receiver firstReceiver = server.connected("edge-1", first);
        PodLogs firstLogs = registered(PodLogs.class);

        Link second = new Link();
        server.connected("edge-1", second);

        assertTrue(first.closed, "the old link is closed when the node connects again");
        assertFalse(second.closed);
        PodLogs secondLogs = registered(PodLogs.class);
        assertTrue(firstLogs != secondLogs, "the node's logs are the new tunnel's");
        // the old connection's close is seen only now (the transport's close future)
        firstReceiver.closed();
        assertSame(secondLogs, registered(PodLogs.class), "the old tunnel's late close withdrew the new one's logs");
        assertEquals(List.of("edge-1"), server.connectedNodes());
        // and the logs go to the new link, not the old one
        int sentBefore = second.sent.size();
        Thread reader = new Thread(() -> {
            try {
                secondLogs.write("e2e", "web", "u-1", "web", new LogOptions(false, false, false, null, null, null),
                        new ByteArrayOutputStream());
            } catch (Exception e) {
                // the link is not answered here: the request is what the test looks at
            }
        });
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (second.sent.size() == sentBefore && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(second.sent.size() > sentBefore, "the log request went out on the new tunnel");
        assertEquals(0, first.sent.size(), "nothing went out on the old tunnel");
        reader.interrupt();
    }

    @Test
    void aLogAskedOfATunnelThatClosedIsAnErrorNotAnEmptyLog() throws Exception {
        Link link = new Link();
        TunnelLink.Receiver receiver = server.connected("edge-1", link);
        PodLogs logs = registered(PodLogs.class);
        receiver.closed();
        assertEquals(List.of(), server.connectedNodes());
        assertThrows(TunnelError.class, () -> logs.write("e2e", "web", "u-1", "web",
                new LogOptions(false, false, false, null, null, null), new ByteArrayOutputStream()));
    }

    /** The one registered, not yet withdrawn service of a kind. */
    private <S> S registered(Class<S> kind) {
        List<Object> live = registrations.stream().filter(r -> r.kind.equals(kind.getName()) && !r.withdrawn)
                .map(r -> r.service).toList();
        assertEquals(1, live.size(), "registered " + kind.getSimpleName() + " services: " + live);
        return kind.cast(live.get(0));
    }

    private static final class Registration {
        final String kind;
        final Object service;
        boolean withdrawn;

        Registration(String kind, Object service) {
            this.kind = kind;
            this.service = service;
        }
    }

    /** A link whose messages are kept; never answered. */
    private static final class Link implements TunnelLink {
        final List<ByteBuffer> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile boolean closed;

        @Override
        public void send(ByteBuffer message) {
            if (!closed) {
                sent.add(message);
            }
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public String remoteAddress() {
            return "192.0.2.11:41394";
        }
    }

    /** A bundle context that only registers services, as the component uses it. */
    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("registerService") && args[0] instanceof Class<?> kind
                            && args[2] instanceof Dictionary<?, ?>) {
                        Registration registration = new Registration(kind.getName(), args[1]);
                        registrations.add(registration);
                        return Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                                    if (m.getName().equals("unregister")) {
                                        if (registration.withdrawn) {
                                            throw new IllegalStateException("already unregistered");
                                        }
                                        registration.withdrawn = true;
                                        return null;
                                    }
                                    throw new UnsupportedOperationException(m.getName());
                                });
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static TunnelServerComponent.Config config() {
        return (TunnelServerComponent.Config) Proxy.newProxyInstance(TunnelServerComponentTest.class.getClassLoader(),
                new Class<?>[] {TunnelServerComponent.Config.class}, (proxy, method, args) -> {
                    if (method.getName().equals("relay_accept_seconds")) {
                        return 30;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
