package io.karst.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CustomResourceDefinitions driven by the real kubectl against the assembled distribution: apply a CRD, wait for
 * Established, create a custom resource, list it with its printer columns and short name, patch its status
 * through the subresource, refuse an invalid one, and delete the CRD with its objects; explain a custom resource
 * from its OpenAPI (also when the CRD is created after kubectl cached the documents) and refuse an unknown field
 * with {@code --validate=strict}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomResourceEndToEndTest {
    private static final Path KUBECTLS = Path.of(System.getProperty("karst.kubectl.dir",
            "/usr/lib/google-cloud-sdk/bin"));

    @TempDir
    static Path tmp;

    private KarstServer server;

    @BeforeAll
    void startServer() throws Exception {
        server = new KarstServer(tmp.resolve("data"), List.of()).start();
        server.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
    }

    private Commands.Result kubectl(String version, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KUBECTLS.resolve("kubectl." + version).toString(),
                "--kubeconfig", server.kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, Map.of("HOME", tmp.resolve("home-" + version).toString()), Duration.ofSeconds(60),
                stdin);
    }

    private Commands.Result ok(String version, String stdin, String... args) throws Exception {
        Commands.Result r = kubectl(version, stdin, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r);
        return r;
    }

    private static String crd(String group) {
        return """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: widgets.GROUP
                spec:
                  group: GROUP
                  scope: Namespaced
                  names:
                    plural: widgets
                    kind: Widget
                    shortNames: [wd]
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    subresources:
                      status: {}
                    additionalPrinterColumns:
                    - name: Size
                      type: integer
                      jsonPath: .spec.size
                    - name: Ready
                      type: boolean
                      jsonPath: .status.ready
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            properties:
                              size:
                                type: integer
                                maximum: 10
                          status:
                            type: object
                            properties:
                              ready:
                                type: boolean
                """.replace("GROUP", group);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.29", "1.31", "1.33"})
    void crdLifecycleWithKubectl(String version) throws Exception {
        String group = "v" + version.replace(".", "") + ".example.com";
        ok(version, crd(group), "apply", "-f", "-");
        ok(version, null, "wait", "--for=condition=Established", "crd/widgets." + group, "--timeout=30s");
        ok(version, "apiVersion: " + group + "/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n",
                "apply", "-f", "-");
        String table = ok(version, null, "get", "widgets." + group).stdout();
        assertTrue(table.lines().findFirst().orElse("").matches("NAME\\s+SIZE\\s+READY"), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("w1\\s+3\\s*")), table);
        String crds = ok(version, null, "get", "crd", "widgets." + group).stdout();
        assertTrue(crds.lines().findFirst().orElse("").matches("NAME\\s+CREATED AT"), crds);
        // the short name (each run deletes its CRD, so "wd" is only ever this one's)
        assertTrue(ok(version, null, "get", "wd", "-o", "name").stdout().contains("w1"));
        ok(version, null, "patch", "widgets." + group, "w1", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"ready\":true}}");
        String after = ok(version, null, "get", "widgets." + group, "w1").stdout();
        assertTrue(after.lines().anyMatch(l -> l.matches("w1\\s+3\\s+true")), after);
        Commands.Result invalid = kubectl(version, "apiVersion: " + group + "/v1\nkind: Widget\nmetadata:\n"
                + "  name: w2\nspec:\n  size: 11\n", "create", "-f", "-");
        assertTrue(invalid.exit() != 0 && invalid.toString().contains("should be less than or equal to 10"),
                invalid::toString);
        ok(version, null, "delete", "crd", "widgets." + group, "--timeout=60s");
        Commands.Result gone = kubectl(version, null, "get", "widgets." + group);
        assertTrue(gone.exit() != 0, gone::toString);
    }

    private static String cronTabs(String group) {
        return """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: crontabs.GROUP
                spec:
                  group: GROUP
                  scope: Namespaced
                  names:
                    plural: crontabs
                    kind: CronTab
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        description: CronTab runs a command on a schedule.
                        properties:
                          spec:
                            type: object
                            description: The schedule and what runs on it.
                            properties:
                              cronSpec:
                                type: string
                                description: When the command runs, in cron format.
                              replicas:
                                type: integer
                                description: How many copies run at once.
                """.replace("GROUP", group);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.29", "1.31", "1.33"})
    void explainAndStrictValidationOfACustomResource(String version) throws Exception {
        String group = "c" + version.replace(".", "") + ".example.com";
        // kubectl's first call caches the OpenAPI documents; the CRD comes later and has a new hash in the index
        assertTrue(ok(version, null, "explain", "pods.spec.nodeName").stdout().contains("NodeName"));
        ok(version, cronTabs(group), "apply", "-f", "-");
        ok(version, null, "wait", "--for=condition=Established", "crd/crontabs." + group, "--timeout=30s");
        String kind = ok(version, null, "explain", "crontabs").stdout();
        assertTrue(kind.contains("CronTab runs a command on a schedule."), kind);
        assertTrue(kind.contains("The schedule and what runs on it."), kind);
        String field = ok(version, null, "explain", "crontabs.spec.cronSpec").stdout();
        assertTrue(field.contains("When the command runs, in cron format."), field);
        Commands.Result unknown = kubectl(version, "apiVersion: " + group + "/v1\nkind: CronTab\nmetadata:\n"
                + "  name: c1\nspec:\n  cronSpec: '* * * * */5'\n  bogus: 1\n", "create", "--validate=strict", "-f",
                "-");
        assertTrue(unknown.exit() != 0 && unknown.toString().contains("unknown field \"spec.bogus\""),
                unknown::toString);
        assertTrue(kubectl(version, null, "get", "crontabs." + group, "c1").exit() != 0, "nothing stored");
        ok(version, null, "delete", "crd", "crontabs." + group, "--timeout=60s");
    }
}
