package io.karst.launcher.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import io.karst.launcher.config.JsonText;
import io.karst.launcher.config.ResolvedConfig;

/**
 * The running server's API as its administrator, for the subcommands that change cluster objects (as
 * {@code k3s token create} does through the admin kubeconfig): HTTPS to the local API port, trusting the server CA
 * and presenting the admin client certificate of the data dir, so only who can read the data dir can.
 */
final class AdminApi {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern CONFIG_LINE = Pattern.compile("([a-z.]+)=[IB]?\"([^\"]*)\"");

    /** An answer: its status code and its JSON body read as maps and lists. */
    record Answer(int code, Map<String, Object> body) {
        /** The message of a {@code Status} answer, or the code. */
        String message() {
            Object message = body.get("message");
            return message instanceof String s && !s.isEmpty() ? s : "HTTP " + code;
        }
    }

    private final HttpClient http;
    private final URI base;

    private AdminApi(HttpClient http, URI base) {
        this.http = http;
        this.base = base;
    }

    /** For the server of {@code config}'s data dir, which must be running. */
    static AdminApi open(ResolvedConfig config) throws CommandFailure {
        Path dataDir = Path.of(config.string("data-dir")).toAbsolutePath();
        if (!RunningServer.isRunning(dataDir)) {
            throw new CommandFailure("no Karst server is running on " + dataDir + ": bootstrap tokens are Secrets in "
                    + "the cluster, so the server must run");
        }
        Path tls = dataDir.resolve("server/tls");
        SSLContext context;
        try {
            context = context(tls.resolve("server-ca.crt"), tls.resolve("client-admin.crt"),
                    tls.resolve("client-admin.key"));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new CommandFailure("cannot use the admin credentials in " + tls + ": " + e.getMessage());
        }
        // where the running server listens: what its launch wrote for the API server, else this command's flags
        Path written = dataDir.resolve("server/karaf/etc/io.karst.apiserver.config");
        String host = writtenValue(written, "bind.address").or(() -> config.optional("bind-address"))
                .filter(a -> !a.isBlank() && !a.equals("0.0.0.0") && !a.equals("::")).orElse("127.0.0.1");
        String port = writtenValue(written, "https.port")
                .orElseGet(() -> String.valueOf(config.integer("https-listen-port")));
        String authority = host.contains(":") ? "[" + host + "]" : host;
        HttpClient http = HttpClient.newBuilder().sslContext(context).connectTimeout(TIMEOUT).build();
        return new AdminApi(http, URI.create("https://" + authority + ":" + port));
    }

    /** A value of a ConfigAdmin {@code .config} file: {@code key="text"} or {@code key=I"8"}. */
    private static Optional<String> writtenValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                Matcher m = CONFIG_LINE.matcher(line);
                if (m.matches() && m.group(1).equals(key)) {
                    return Optional.of(m.group(2));
                }
            }
        } catch (IOException e) {
            // no launch wrote it: the flags tell
        }
        return Optional.empty();
    }

    Answer get(String path) throws CommandFailure {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Answer delete(String path) throws CommandFailure {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    /** POSTs a YAML document (the API server reads YAML as kubectl sends JSON). */
    Answer post(String path, String yaml) throws CommandFailure {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml, StandardCharsets.UTF_8)));
    }

    private Answer send(HttpRequest.Builder request) throws CommandFailure {
        HttpRequest built = request.header("Accept", "application/json").timeout(TIMEOUT).build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), JsonText.readObject(response.body()));
        } catch (IOException e) {
            throw new CommandFailure("cannot reach the server's API at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted");
        }
    }

    private static SSLContext context(Path caFile, Path certFile, Path keyFile)
            throws IOException, GeneralSecurityException {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        try (var in = Files.newInputStream(caFile)) {
            for (Certificate ca : x509.generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
        }
        Collection<? extends Certificate> chain;
        try (var in = Files.newInputStream(certFile)) {
            chain = x509.generateCertificates(in);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        char[] none = new char[0];
        keys.setKeyEntry("admin", privateKey(keyFile), none, chain.toArray(new Certificate[0]));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, none);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    /** The key as the PKI writes it: SEC 1 {@code EC PRIVATE KEY}, or PKCS#8. */
    private static PrivateKey privateKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file); PEMParser pem = new PEMParser(reader)) {
            Object parsed = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (parsed instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (parsed instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException(file + " holds no private key");
        }
    }
}
