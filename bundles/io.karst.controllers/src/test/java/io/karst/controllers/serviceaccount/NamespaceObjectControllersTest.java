package io.karst.controllers.serviceaccount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.PatchTypes;
import io.karst.api.client.ResourceOperations;
import io.karst.apiserver.testing.InProcessApi;
import io.karst.controller.runtime.RunningController;

/** The default ServiceAccount and kube-root-ca.crt controllers under the runtime, against the real API. */
class NamespaceObjectControllersTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";

    @TempDir
    Path dir;
    InProcessApi api;
    RunningController serviceAccounts;
    RunningController rootCa;

    @BeforeEach
    void start() {
        api = new InProcessApi(dir);
        serviceAccounts = new RunningController(new ServiceAccountsController(), api.client());
        rootCa = new RunningController(new RootCaPublisher(() -> CA), api.client());
    }

    @AfterEach
    void stop() {
        rootCa.close();
        serviceAccounts.close();
        api.close();
    }

    private ResourceOperations in(io.karst.api.client.ResourceKey key, String namespace) {
        return api.client().resource(key).inNamespace(namespace);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private boolean hasBoth(String namespace) {
        return in(ServiceAccountsController.SERVICEACCOUNTS, namespace).find("default").isPresent()
                && in(RootCaPublisher.CONFIGMAPS, namespace).find(RootCaPublisher.NAME).isPresent();
    }

    @Test
    void everyNamespaceOldAndNewGetsItsDefaultServiceAccountAndCaBundle() throws Exception {
        for (String ns : new String[] {"default", "kube-system", "kube-public", "kube-node-lease"}) {
            await(ns, () -> hasBoth(ns));
        }
        api.client().resource(NamespaceObjectController.NAMESPACES).create((ObjectNode) JSON.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"fresh\"}}"));
        await("the new namespace's objects", () -> hasBoth("fresh"));
        ObjectNode cm = in(RootCaPublisher.CONFIGMAPS, "fresh").get(RootCaPublisher.NAME);
        assertEquals(CA, cm.path("data").path("ca.crt").asText());
        assertEquals(RootCaPublisher.DESCRIPTION, cm.path("metadata").path("annotations")
                .path("kubernetes.io/description").asText());
    }

    @Test
    void aDeletedServiceAccountComesBackAndAnEditedBundleIsPutBack() throws Exception {
        await("default", () -> hasBoth("default"));
        String uid = in(ServiceAccountsController.SERVICEACCOUNTS, "default").get("default").path("metadata")
                .path("uid").asText();
        in(ServiceAccountsController.SERVICEACCOUNTS, "default").delete("default");
        await("a new default ServiceAccount", () -> in(ServiceAccountsController.SERVICEACCOUNTS, "default")
                .find("default").map(sa -> !sa.path("metadata").path("uid").asText().equals(uid)).orElse(false));
        in(RootCaPublisher.CONFIGMAPS, "default").patch(RootCaPublisher.NAME, PatchTypes.MERGE_PATCH,
                JSON.readTree("{\"data\":{\"ca.crt\":\"tampered\"}}"));
        await("the bundle restored", () -> in(RootCaPublisher.CONFIGMAPS, "default").get(RootCaPublisher.NAME)
                .path("data").path("ca.crt").asText().equals(CA));
    }

    @Test
    void aTerminatingNamespaceGetsNothingNew() throws Exception {
        api.client().resource(NamespaceObjectController.NAMESPACES).create((ObjectNode) JSON.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"ending\"}}"));
        await("ending", () -> hasBoth("ending"));
        api.client().resource(NamespaceObjectController.NAMESPACES).delete("ending");
        in(ServiceAccountsController.SERVICEACCOUNTS, "ending").delete("default");
        Thread.sleep(300);
        assertTrue(in(ServiceAccountsController.SERVICEACCOUNTS, "ending").find("default").isEmpty());
        assertEquals(0, serviceAccounts.status().queueDepth());
    }
}
