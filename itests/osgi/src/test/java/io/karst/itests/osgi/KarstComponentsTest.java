package io.karst.itests.osgi;

import static io.karst.itests.osgi.KarstConfigurations.APISERVER_PID;
import static io.karst.itests.osgi.KarstConfigurations.PKI_PID;
import static io.karst.itests.osgi.KarstConfigurations.READY_FILTER;
import static io.karst.itests.osgi.KarstConfigurations.TIMEOUT;
import static io.karst.itests.osgi.KarstConfigurations.canBind;
import static io.karst.itests.osgi.KarstConfigurations.eventually;
import static io.karst.itests.osgi.KarstConfigurations.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.condition.Condition;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.karst.api.security.Authenticator;
import io.karst.api.security.CertificateAuthority;
import io.karst.api.security.TokenService;

/**
 * The PKI and API server components driven through ConfigAdmin, as the launcher drives them: nothing runs without
 * configuration, each configuration brings its services up, and deleting it takes them down and frees the port.
 */
class KarstComponentsTest {
    private static final String API_SERVER_COMPONENT = "io.karst.apiserver.ApiServerComponent";

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ConfigurationAdmin configAdmin;

    @InjectService
    ServiceComponentRuntime scr;

    // cardinality 0: the test starts before these exist; ServiceAware tracks them as they come and go.
    @InjectService(cardinality = 0)
    ServiceAware<CertificateAuthority> authority;

    @InjectService(cardinality = 0)
    ServiceAware<TokenService> tokens;

    @InjectService(cardinality = 0)
    ServiceAware<Authenticator> authenticators;

    @InjectService(cardinality = 0, filter = READY_FILTER)
    ServiceAware<Condition> apiServerReady;

    /** Removed by JUnit after {@link #deleteConfigurations()}, so after the components stopped writing into it. */
    @TempDir
    Path dataDir;

    KarstConfigurations configurations;

    @BeforeEach
    void startFromNoConfiguration() throws Exception {
        configurations = new KarstConfigurations(configAdmin);
        configurations.deleteAll();
    }

    @AfterEach
    void deleteConfigurations() throws Exception {
        configurations.deleteAll();
        assertTrue(eventually(() -> registered(CertificateAuthority.class.getName(), null) == 0
                && registered(Condition.class.getName(), READY_FILTER) == 0),
                "the PKI and API server components did not stop after their configurations were deleted");
    }

    @Test
    void withoutConfigurationNoCertificateAuthorityAndNoReadyConditionExist() throws Exception {
        // The components are there and enabled, only waiting: REQUIRE, not missing. Felix SCR lists no
        // configuration at all for them (the spec also allows one in UNSATISFIED_CONFIGURATION).
        Set<Integer> waiting = Set.of(ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION);
        assertTrue(waiting.containsAll(statesOf(PKI_PID)), "PKI component states: " + statesOf(PKI_PID));
        assertTrue(waiting.containsAll(statesOf(APISERVER_PID)),
                "API server component states: " + statesOf(APISERVER_PID));
        assertTrue(authority.isEmpty(), "a CertificateAuthority is registered without configuration");
        assertTrue(tokens.isEmpty(), "a TokenService is registered without configuration");
        assertTrue(apiServerReady.isEmpty(), "the API server is ready without configuration");
    }

    @Test
    void pkiConfigurationRegistersSecurityServicesAndWritesTheServerCa() throws Exception {
        configurations.pki(dataDir, freePort());

        assertNotNull(authority.waitForService(TIMEOUT.toMillis()), "no CertificateAuthority");
        assertNotNull(tokens.waitForService(TIMEOUT.toMillis()), "no TokenService");
        assertNotNull(authenticators.waitForService(TIMEOUT.toMillis()), "no Authenticator");
        Path serverCa = dataDir.resolve("server/tls/server-ca.crt");
        assertTrue(Files.isRegularFile(serverCa), serverCa + " was not written");
        assertTrue(Files.readString(serverCa).startsWith("-----BEGIN CERTIFICATE-----"), serverCa + " is not PEM");
    }

    @Test
    void apiServerConfigurationMakesItReadyAndServesLivezAndVersionOverHttps() throws Exception {
        int port = startPkiAndApiServer();

        ApiServerClient client = client(port);
        HttpResponse<String> livez = client.get("/livez");
        assertEquals(200, livez.statusCode());
        assertEquals("ok", livez.body());

        HttpResponse<String> version = client.get("/version");
        assertEquals(200, version.statusCode());
        JsonNode info = new ObjectMapper().readTree(version.body());
        String gitVersion = info.path("gitVersion").asText();
        assertTrue(gitVersion.startsWith("v1."), "gitVersion is '" + gitVersion + "'");
    }

    @Test
    void deletingApiServerConfigurationRemovesReadyConditionAndReleasesThePort() throws Exception {
        int port = startPkiAndApiServer();
        assertEquals(200, client(port).get("/livez").statusCode());
        assertFalse(canBind(port), "the port is free although the API server serves on it");

        configurations.delete(APISERVER_PID);

        assertTrue(eventually(apiServerReady::isEmpty), "the ready condition outlived the configuration");
        assertTrue(eventually(() -> canBind(port)), "port " + port + " is still held after the API server stopped");
        assertFalse(authority.isEmpty(), "stopping the API server stopped the PKI too");

        // Hot swap: the same configuration again brings the server back on the same port.
        configurations.apiServer(port);
        assertNotNull(apiServerReady.waitForService(TIMEOUT.toMillis()), "the API server did not come back");
        assertEquals(200, client(port).get("/livez").statusCode());
    }

    @Test
    void configuredComponentsAreNeitherFailedNorWaitingForReferences() throws Exception {
        startPkiAndApiServer(); // not vacuous: it waits until SCR reports the API server component ACTIVE

        List<String> problems = new ArrayList<>();
        for (Bundle bundle : karstBundles()) {
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(description)) {
                    if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        problems.add(description.name + " failed to activate: " + c.failure);
                    } else if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE) {
                        problems.add(description.name + " waits for "
                                + Arrays.stream(c.unsatisfiedReferences).map(r -> r.name).toList());
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** Each io.karst component's name with the states of its configurations. */
    private Map<String, List<Integer>> configurationStates() {
        Map<String, List<Integer>> states = new TreeMap<>();
        for (Bundle bundle : karstBundles()) {
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                states.put(description.name, scr.getComponentConfigurationDTOs(description).stream()
                        .map(c -> c.state).toList());
            }
        }
        return states;
    }

    @Test
    void karstStatusCommandShowsEveryKarstBundleReady(@InjectService SessionFactory shell) throws Exception {
        startPkiAndApiServer();

        // io.karst.admin's command, found by Karaf's shell through the Karaf-Commands header, run headless.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (Session session = shell.create(new ByteArrayInputStream(new byte[0]), print, print)) {
            session.execute("karst:status");
        }
        String table = out.toString(StandardCharsets.UTF_8);
        for (String bundle : List.of("io.karst.admin", "io.karst.api", "io.karst.apiserver", "io.karst.pki")) {
            String row = table.lines().filter(l -> l.startsWith(bundle + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for " + bundle + " in\n" + table));
            assertTrue(row.matches(".*\\bActive\\s+\\|\\s+yes\\b.*"), "not Active and ready: " + row);
        }
        assertTrue(table.contains("karst.apiserver.ready"), "the ready condition is not shown:\n" + table);
    }

    private int startPkiAndApiServer() throws Exception {
        configurations.pki(dataDir, freePort());
        assertNotNull(authority.waitForService(TIMEOUT.toMillis()), "no CertificateAuthority");
        configurations.datastore(dataDir);
        int port = freePort();
        configurations.apiServer(port);
        assertNotNull(apiServerReady.waitForService(TIMEOUT.toMillis()), "the API server never became ready");
        // The ready condition is registered from inside activate(); SCR calls the component ACTIVE only once
        // activate() has returned, so wait for that too before anything reads SCR's view.
        assertTrue(eventually(() -> configurationStates().getOrDefault(API_SERVER_COMPONENT, List.of())
                .equals(List.of(ComponentConfigurationDTO.ACTIVE))),
                "API server component not active: " + configurationStates());
        return port;
    }

    private ApiServerClient client(int port) throws Exception {
        return new ApiServerClient(dataDir.resolve("server/tls/server-ca.crt"), port);
    }

    private List<Bundle> karstBundles() {
        return Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith("io.karst."))
                .toList();
    }

    /** The states of the configurations of the components whose configuration PID is {@code pid}. */
    private List<Integer> statesOf(String pid) {
        List<Integer> states = new ArrayList<>();
        boolean described = false;
        for (Bundle bundle : karstBundles()) {
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                if (Arrays.asList(description.configurationPid).contains(pid)) {
                    described = true;
                    assertTrue(scr.isComponentEnabled(description), description.name + " is disabled");
                    scr.getComponentConfigurationDTOs(description).forEach(c -> states.add(c.state));
                }
            }
        }
        assertTrue(described, "no component is configured by " + pid);
        return states;
    }

    private int registered(String type, String filter) {
        try {
            var refs = context.getServiceReferences(type, filter);
            return refs == null ? 0 : refs.length;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
