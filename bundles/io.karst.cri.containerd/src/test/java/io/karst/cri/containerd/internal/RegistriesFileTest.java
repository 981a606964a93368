package io.karst.cri.containerd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.cri.containerd.internal.RegistriesFile.InvalidRegistriesException;

/** Parsing and validating K3s's registries.yaml; every refusal names the file, the line and the key. */
class RegistriesFileTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("registries.yaml");
    }

    private RegistriesFile parse(String yaml) throws InvalidRegistriesException {
        return RegistriesFile.parse(file(), yaml);
    }

    private String refusal(String yaml) {
        return assertThrows(InvalidRegistriesException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void aMissingFileIsNoConfiguration() throws Exception {
        RegistriesFile registries = RegistriesFile.read(dir.resolve("absent.yaml"));
        assertTrue(registries.isEmpty());
    }

    @Test
    void anEmptyFileIsNoConfiguration() throws Exception {
        assertTrue(parse("").isEmpty());
        assertTrue(parse("# nothing yet\n").isEmpty());
        assertTrue(parse("mirrors:\nconfigs:\n").isEmpty());
    }

    @Test
    void readsK3sDocumentedShape() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "ca");
        Files.writeString(dir.resolve("client.crt"), "cert");
        Files.writeString(dir.resolve("client.key"), "key");
        RegistriesFile registries = parse("""
                mirrors:
                  docker.io:
                    endpoint:
                      - "https://mirror.example:5000"
                  "*":
                    endpoint: ["mirror.example:5000"]
                  registry.example.com:
                configs:
                  "mirror.example:5000":
                    auth:
                      username: xxxx
                      password: yyyy
                    tls:
                      ca_file: %s
                      cert_file: client.crt
                      key_file: client.key
                      insecure_skip_verify: true
                  other.example:
                    auth:
                      auth: dXNlcjpwYXNz
                      identity_token: token
                """.formatted(ca));
        assertEquals(List.of("docker.io", "*", "registry.example.com"), List.copyOf(registries.mirrors().keySet()));
        assertEquals(List.of("https://mirror.example:5000"), registries.mirrors().get("docker.io").endpoints());
        assertEquals(List.of(), registries.mirrors().get("registry.example.com").endpoints());
        RegistriesFile.Config mirror = registries.configs().get("mirror.example:5000");
        assertEquals("xxxx", mirror.auth().username());
        assertEquals("yyyy", mirror.auth().password());
        assertFalse(mirror.auth().toString().contains("yyyy"), "no secret in toString");
        assertEquals(ca, mirror.tls().caFile());
        assertEquals(dir.resolve("client.crt"), mirror.tls().certFile(), "relative to the registries file");
        assertEquals(dir.resolve("client.key"), mirror.tls().keyFile());
        assertTrue(mirror.tls().insecureSkipVerify());
        RegistriesFile.Config other = registries.configs().get("other.example");
        assertEquals("dXNlcjpwYXNz", other.auth().auth());
        assertEquals("token", other.auth().identityToken());
        assertNull(other.tls());
    }

    @Test
    void yamlErrorsNameTheLineButNeverQuoteIt() {
        String message = refusal("""
                configs:
                  registry.example:
                    auth:
                      password: "s3cret
                """);
        assertTrue(message.startsWith(file() + ":"), message);
        assertTrue(message.contains("not valid YAML"), message);
        assertFalse(message.contains("s3cret"), message);
    }

    @Test
    void unknownKeysAreRefusedWithTheirLine() {
        assertEquals(file() + ":2: mirror: unknown key \"mirror\" (known: mirrors, configs)",
                refusal("configs:\nmirror:\n  docker.io:\n"));
        assertEquals(file() + ":3: mirrors.docker.io.endpoints: unknown key \"endpoints\" (known: endpoint, rewrite)",
                refusal("mirrors:\n  docker.io:\n    endpoints: [a.example]\n"));
        assertEquals(file() + ":4: configs.r.example.tls.ca: unknown key \"ca\" (known: ca_file, cert_file, key_file, "
                + "insecure_skip_verify)", refusal("configs:\n  r.example:\n    tls:\n      ca: /x\n"));
    }

    @Test
    void endpointsMustBeUrls() {
        assertEquals(file() + ":5: mirrors.docker.io.endpoint[1]: an endpoint is http or https, not ftp: "
                + "ftp://mirror.example", refusal("mirrors:\n  docker.io:\n    endpoint:\n      - mirror.example\n"
                        + "      - ftp://mirror.example\n"));
        assertTrue(refusal("mirrors:\n  docker.io:\n    endpoint: [\"https://mirror example\"]\n")
                .startsWith(file() + ":3: mirrors.docker.io.endpoint[0]: not a URL"));
        String credentials = refusal("mirrors:\n  docker.io:\n    endpoint: [\"https://u:s3cret@mirror.example\"]\n");
        assertTrue(credentials.contains("credentials in an endpoint URL are not supported"), credentials);
        assertFalse(credentials.contains("s3cret"), credentials);
        assertEquals(file() + ":3: mirrors.docker.io.endpoint: must be a list of URLs",
                refusal("mirrors:\n  docker.io:\n    endpoint: https://mirror.example\n"));
    }

    @Test
    void registryKeysAreHosts() {
        assertTrue(refusal("mirrors:\n  https://docker.io:\n    endpoint: [m.example]\n")
                .startsWith(file() + ":2: mirrors.https://docker.io: a registry is named by host"));
        assertTrue(refusal("configs:\n  \"*\":\n    auth: {username: u, password: p}\n")
                .contains("configs.\"*\": a wildcard config is not supported"));
    }

    @Test
    void tlsFilesMustExist() {
        assertEquals(file() + ":4: configs.r.example.tls.ca_file: no such file: " + dir.resolve("missing.crt"),
                refusal("configs:\n  r.example:\n    tls:\n      ca_file: missing.crt\n"));
        assertEquals(file() + ":4: configs.r.example.tls.insecure_skip_verify: must be true or false",
                refusal("configs:\n  r.example:\n    tls:\n      insecure_skip_verify: \"yes\"\n"));
    }

    @Test
    void rewritesAreRefusedNamingTheRegistry() {
        assertEquals(file() + ":4: mirrors.docker.io.rewrite: rewrites of registry docker.io need containerd 1.7 or "
                + "K3s's fork; this node's containerd 1.6 cannot rewrite repository names",
                refusal("mirrors:\n  docker.io:\n    endpoint: [m.example]\n    rewrite:\n"
                        + "      \"^rancher/(.*)\": \"mirroringrancher/$1\"\n"));
    }

    @Test
    void secretsAreNeverEchoed() {
        String message = refusal("configs:\n  r.example:\n    auth:\n      password: [s3cret]\n");
        assertEquals(file() + ":4: configs.r.example.auth.password: must be a string", message);
        message = refusal("configs:\n  r.example:\n    auth:\n      auth: \"not base64 s3cret!\"\n");
        assertEquals(file() + ":4: configs.r.example.auth.auth: must be base64 of user:password", message);
    }

    @Test
    void duplicateKeysAreRefused() {
        String message = refusal("mirrors:\n  docker.io:\n  docker.io:\n");
        assertTrue(message.startsWith(file() + ":"), message);
        assertTrue(message.contains("docker.io"), message);
    }
}
