package io.karst.kubelet.probe;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A gRPC readiness probe run by the probe manager on its own event loop, which it shuts down on close. */
class GrpcProbeManagerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aGrpcReadinessProbeMakesTheContainerReadyOnceTheServiceServes() throws Exception {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        LinkedBlockingQueue<String> changed = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> unhealthy = new LinkedBlockingQueue<>();
        try (HealthServer server = new HealthServer()) {
            server.set("web", 2);
            ProbeManager probes = new ProbeManager(null, executor, new ProbeManager.Listener() {
                @Override
                public void changed(String podUid) {
                    changed.add(podUid);
                }

                @Override
                public void failed(JsonNode pod, String container, String containerId, ProbeKind kind,
                        String output) {
                }

                @Override
                public void unhealthy(JsonNode pod, String container, ProbeKind kind, String output) {
                    unhealthy.add(output);
                }
            });
            try {
                JsonNode pod = JSON.readTree("{\"metadata\":{\"uid\":\"u1\"}}");
                JsonNode container = JSON.readTree("{\"name\":\"web\",\"readinessProbe\":{\"grpc\":{\"port\":"
                        + server.port() + ",\"service\":\"web\"},\"periodSeconds\":1,\"failureThreshold\":1}}");
                // before its probe worker exists (a status written right after the start) it is not ready yet,
                // as upstream; a container without probes is
                assertFalse(probes.ready("c1", container));
                assertTrue(probes.ready("c0", JSON.readTree("{\"name\":\"plain\"}")));
                probes.ensure(pod, container, "c1", "127.0.0.1", Instant::now);

                String output = unhealthy.poll(5, TimeUnit.SECONDS);
                assertTrue(("service unhealthy (responded with \"NOT_SERVING\")").equals(output), output);
                assertFalse(probes.ready("c1", container));

                server.set("web", 1);
                assertTrue("u1".equals(changed.poll(5, TimeUnit.SECONDS)));
                assertTrue(probes.ready("c1", container));
            } finally {
                probes.close();
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
