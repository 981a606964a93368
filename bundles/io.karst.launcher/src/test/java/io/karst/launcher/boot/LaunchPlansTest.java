package io.karst.launcher.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.launcher.config.ConfigException;
import io.karst.launcher.config.ConfigResolver;
import io.karst.launcher.config.Role;

class LaunchPlansTest {
    @TempDir
    Path dir;

    private LaunchPlan server(String... args) throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), "{}\n");
        List<String> all = new ArrayList<>(List.of("--data-dir", dir.resolve("data").toString()));
        all.addAll(List.of(args));
        return LaunchPlans.server(ConfigResolver.resolve(Role.SERVER, all,
                Map.of("KARST_CONFIG_FILE", config.toString())), List.of("10.0.0.1"));
    }

    @Test
    void controllersRunUnlessTheControllerManagerIsDisabled() throws Exception {
        List<String> features = server().bootFeatures();
        assertEquals(features.indexOf("karst-apiserver") + 1, features.indexOf("karst-controllers"));
        assertFalse(server("--disable-controller-manager").bootFeatures().contains("karst-controllers"));
    }

    @Test
    void aServerRunsItsNodeUnlessTheAgentIsDisabled() throws Exception {
        LaunchPlan plan = server("--node-label", "zone=a", "--node-taint", "dedicated=edge:NoSchedule",
                "--pause-image", "localhost/p:1", "--cluster-cidr", "10.50.0.0/16");
        List<String> features = plan.bootFeatures();
        assertTrue(features.indexOf("karst-scheduler") < features.indexOf("karst-cri-containerd"));
        assertEquals(features.indexOf("karst-cri-containerd") + 1, features.indexOf("karst-kubelet"));
        Map<String, Object> kubelet = plan.configurations().get("io.karst.kubelet");
        assertEquals(List.of("10.0.0.1"), kubelet.get("node.ips"));
        assertEquals(List.of("zone=a"), kubelet.get("node.labels"));
        assertEquals(List.of("dedicated=edge:NoSchedule"), kubelet.get("node.taints"));
        assertEquals(List.of("10.43.0.10"), kubelet.get("cluster.dns"));
        assertEquals(true, kubelet.get("control.plane"));
        Map<String, Object> runtime = plan.configurations().get("io.karst.cri.containerd");
        assertEquals("localhost/p:1", runtime.get("pause.image"));
        assertEquals(List.of(dir.resolve("data/agent/images").toAbsolutePath().toString()), runtime.get("image.dirs"));
        assertEquals("/etc/karst/registries.yaml", runtime.get("registries.file"));
        assertEquals("10.50.0.0/16", plan.configurations().get("io.karst.controllers.nodeipam").get("cluster.cidr"));

        LaunchPlan without = server("--disable-agent");
        assertFalse(without.bootFeatures().contains("karst-kubelet"));
        assertFalse(without.bootFeatures().contains("karst-cri-containerd"));
        assertFalse(without.configurations().containsKey("io.karst.kubelet"));
    }

    @Test
    void anAgentRunsTheRemoteClientTheRuntimeAndAKubeletOnThatClientWithTheClusterSettingsOfItsJoin()
            throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), "{}\n");
        var resolved = ConfigResolver.resolve(Role.AGENT, List.of("--server", "https://192.0.2.10:6443/",
                "--token", "secret", "--data-dir", dir.resolve("data").toString(), "--node-label", "zone=b"),
                Map.of("KARST_CONFIG_FILE", config.toString()));
        NodeJoin.Credentials tls = new NodeJoin.Credentials(dir.resolve("data/agent/tls"));
        LaunchPlan plan = LaunchPlans.agent(resolved, "edge-1", List.of("192.0.2.11"),
                new NodeJoin.Joined(tls, List.of("10.43.0.10"), "cluster.local"), null);

        List<String> features = plan.bootFeatures();
        assertTrue(features.indexOf("karst-client-remote") < features.indexOf("karst-kubelet"));
        assertEquals(features.indexOf("karst-cri-containerd") + 1, features.indexOf("karst-kubelet"));
        assertFalse(features.contains("karst-apiserver"));
        // an agent has no shell by default, so it runs the lean runtime: these features on its own platform
        assertEquals(0, plan.sshPort());
        assertEquals(List.of("karst-client-remote", "karst-cri-containerd", "karst-kubelet", "karst-tunnel"),
                LaunchPlans.karstFeatures(plan));
        Map<String, Object> client = plan.configurations().get("io.karst.client.remote");
        assertEquals(List.of("https://192.0.2.10:6443"), client.get("servers"));
        assertEquals(tls.clientKey().toAbsolutePath().toString(), client.get("key.file"));
        assertEquals(tls.serverCa().toAbsolutePath().toString(), client.get("ca.file"));
        Map<String, Object> kubelet = plan.configurations().get("io.karst.kubelet");
        assertEquals("edge-1", kubelet.get("node.name"));
        assertEquals(List.of("192.0.2.11"), kubelet.get("node.ips"));
        assertEquals(List.of("zone=b"), kubelet.get("node.labels"));
        assertEquals(List.of("10.43.0.10"), kubelet.get("cluster.dns"));
        assertEquals(false, kubelet.get("control.plane"));
        assertEquals("(karst.client=remote)", kubelet.get("client.target"));
        assertTrue(features.contains("karst-tunnel"));
        Map<String, Object> tunnel = plan.configurations().get("io.karst.tunnel.agent");
        assertEquals("edge-1", tunnel.get("node.name"));
        assertEquals(client.get("cert.file"), tunnel.get("cert.file"));
    }

    @Test
    void withoutAnSshPortNoShellIsLoadedAndTheDatastoreStillBootsFirst() throws Exception {
        List<String> shell = server("--admin-ssh-port", "2222").bootFeatures();
        assertTrue(shell.containsAll(List.of("shell", "jaas", "ssh", "karst-admin")), shell.toString());
        assertEquals(shell.indexOf("ssh") + 1, shell.indexOf("karst-datastore-sqlite"));

        List<String> none = server("--admin-ssh-port", "0").bootFeatures();
        assertFalse(none.contains("shell") || none.contains("jaas") || none.contains("ssh")
                || none.contains("karst-admin"), none.toString());
        assertEquals(List.of("log", "feature", "config", "scr", "karst-datastore-sqlite", "karst-pki"),
                none.subList(0, 6));
    }

    @Test
    void anAgentTokenReachesTheJoinEndpoint() throws Exception {
        assertFalse(server().configurations().get("io.karst.apiserver").containsKey("agent.token"));
        assertEquals("agents-only", server("--agent-token", "agents-only").configurations()
                .get("io.karst.apiserver").get("agent.token"));
    }

    @Test
    void theApiServerAdvertisesTheNodeAddressUnlessToldAnotherAndKeepsTheKubernetesEndpointsUnlessTurnedOff()
            throws Exception {
        Map<String, Object> apiserver = server().configurations().get("io.karst.apiserver");
        assertEquals("10.0.0.1", apiserver.get("advertise.address"));
        assertEquals("lease", apiserver.get("endpoint.reconciler.type"));
        apiserver = server("--advertise-address", "192.0.2.7", "--kube-apiserver-arg",
                "endpoint-reconciler-type=none").configurations().get("io.karst.apiserver");
        assertEquals("192.0.2.7", apiserver.get("advertise.address"));
        assertEquals("none", apiserver.get("endpoint.reconciler.type"));
    }

    @Test
    void theApiServerKnowsTheClusterNetworksItTellsJoiningAgents() throws Exception {
        Map<String, Object> defaults = server().configurations().get("io.karst.apiserver");
        assertEquals("10.43.0.10", defaults.get("cluster.dns"));
        assertEquals("cluster.local", defaults.get("cluster.domain"));
        assertEquals("10.42.0.0/16", defaults.get("cluster.cidr"));
        assertEquals("10.43.0.0/16", defaults.get("service.cidr"));
        Map<String, Object> set = server("--cluster-dns", "10.60.0.10", "--cluster-domain", "corp.example",
                "--cluster-cidr", "10.50.0.0/16", "--service-cidr", "10.60.0.0/16").configurations()
                .get("io.karst.apiserver");
        assertEquals("10.60.0.10", set.get("cluster.dns"));
        assertEquals("corp.example", set.get("cluster.domain"));
        assertEquals("10.50.0.0/16", set.get("cluster.cidr"));
        assertEquals("10.60.0.0/16", set.get("service.cidr"));
    }

    @Test
    void theSchedulerRunsUnlessDisabledAndWithoutTheControllerManagerToo() throws Exception {
        List<String> features = server().bootFeatures();
        assertEquals(features.indexOf("karst-controllers") + 1, features.indexOf("karst-scheduler"));
        assertFalse(server("--disable-scheduler").bootFeatures().contains("karst-scheduler"));
        assertTrue(server("--disable-scheduler").bootFeatures().contains("karst-controllers"));
        // K3s runs the scheduler without the controller manager: the feature brings the runtime that hosts it
        assertTrue(server("--disable-controller-manager").bootFeatures().contains("karst-scheduler"));
    }

    @Test
    void anAuditLogPathReachesTheApiServerAsAnAbsolutePath() throws Exception {
        assertEquals(dir.resolve("audit.log").toAbsolutePath().toString(), server("--audit-log-path",
                dir.resolve("audit.log").toString()).configurations().get("io.karst.apiserver").get("audit.log.path"));
        assertEquals(Path.of("logs/audit.log").toAbsolutePath().toString(), server("--audit-log-path",
                "logs/audit.log").configurations().get("io.karst.apiserver").get("audit.log.path"));
        assertFalse(server().configurations().get("io.karst.apiserver").containsKey("audit.log.path"));
    }

    @Test
    void secretsEncryptionPointsTheApiServerAtK3sKeyFile() throws Exception {
        Map<String, Object> apiserver = server("--secrets-encryption").configurations().get("io.karst.apiserver");
        assertEquals(true, apiserver.get("secrets.encryption"));
        assertEquals(dir.resolve("data/server/cred/encryption-config.json").toAbsolutePath().toString(),
                apiserver.get("encryption.provider.config"));
        assertFalse(server().configurations().get("io.karst.apiserver").containsKey("encryption.provider.config"));
    }

    @Test
    void aBadEncryptionConfigurationStopsTheLaunchWithItsReason() throws Exception {
        Path file = dir.resolve("data/server/cred/encryption-config.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"kind\":\"EncryptionConfiguration\",\"apiVersion\":\"apiserver.config.k8s.io/v1\","
                + "\"resources\":[{\"resources\":[\"secrets\"],\"providers\":[{\"aescbc\":{\"keys\":"
                + "[{\"name\":\"k\",\"secret\":\"c2hvcnQ=\"}]}}]}]}");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ConfigException e = assertThrows(ConfigException.class, () -> server("--secrets-encryption"));
        assertTrue(e.getMessage().contains("aescbc key \"k\": an AES key is 16, 24 or 32 bytes, not 5"),
                e.getMessage());
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(assertThrows(ConfigException.class, () -> server("--secrets-encryption")).getMessage()
                .contains("chmod 600"));
    }

    @Test
    void withoutTheFlagThereIsNoEtcdEndpoint() throws Exception {
        LaunchPlan plan = server();
        assertFalse(plan.bootFeatures().contains("karst-etcdserver"));
        assertFalse(plan.configurations().containsKey("io.karst.etcdserver"));
    }

    @Test
    void aRelativeSocketLandsInTheDatabaseFolderAndTheFeatureBootsAfterTheDatastore() throws Exception {
        LaunchPlan plan = server("--etcd-endpoint", "unix://etcd.sock");
        assertEquals(Map.of("listen", "unix://" + dir.resolve("data/server/db/etcd.sock").toAbsolutePath()),
                plan.configurations().get("io.karst.etcdserver"));
        List<String> features = plan.bootFeatures();
        assertEquals(features.indexOf("karst-datastore-sqlite") + 1, features.indexOf("karst-etcdserver"));
    }

    @Test
    void aTcpEndpointIsPassedAsHostAndPort() throws Exception {
        assertEquals(Map.of("listen", "127.0.0.1:2379"),
                server("--etcd-endpoint", "http://127.0.0.1:2379").configurations().get("io.karst.etcdserver"));
        assertEquals(Map.of("listen", "[::1]:12379"),
                server("--etcd-endpoint", "[::1]:12379").configurations().get("io.karst.etcdserver"));
    }

    @Test
    void theEndpointFollowsAnExternalDatastore() throws Exception {
        List<String> features = server("--datastore-endpoint", "postgres://k:p@db:5432/karst",
                "--etcd-endpoint", "unix:///run/karst/etcd.sock").bootFeatures();
        assertEquals(features.indexOf("karst-datastore-postgres") + 1, features.indexOf("karst-etcdserver"));
    }

    @Test
    void serversOnAnExternalDatastoreShareTheirPkiThroughIt() throws Exception {
        Map<String, Object> pki = server("--datastore-endpoint", "postgres://k:p@db:5432/karst").configurations()
                .get("io.karst.pki");
        assertEquals(true, pki.get("shared.datastore"));
        assertEquals(1, pki.get("datastore.cardinality.minimum"));
        assertEquals("(objectClass=io.karst.api.datastore.KeyValueStore)", pki.get("datastore.target"));
        assertEquals(null, server().configurations().get("io.karst.pki").get("shared.datastore"));
    }

    @Test
    void aRelativeSocketTooLongForAUnixAddressIsRefused() throws Exception {
        String deep = "d".repeat(100);
        Path config = Files.writeString(dir.resolve("config.yaml"), "{}\n");
        ConfigException refused = assertThrows(ConfigException.class, () -> LaunchPlans.server(
                ConfigResolver.resolve(Role.SERVER, List.of("--data-dir", dir.resolve(deep).toString(),
                        "--etcd-endpoint", "unix://etcd.sock"), Map.of("KARST_CONFIG_FILE", config.toString())),
                List.of("10.0.0.1")));
        assertTrue(refused.getMessage().contains("a Unix socket holds at most 107"), refused.getMessage());
    }
}
