package io.karst.apiserver;

import java.time.Duration;
import io.karst.apiserver.authorization.AccessReviews;
import io.karst.apiserver.authorization.AuthorizationChain;
import io.karst.apiserver.authorization.ClusterAuthorization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.karst.api.client.ResourceClient;
import io.karst.api.security.PkiSettings;
import io.karst.apiserver.schema.SchemaModel;
import io.karst.datastore.LogStructuredStore;
import io.karst.datastore.StoreSettings;
import io.karst.datastore.sqlite.SqliteStore;
import io.karst.datastore.sqlite.SqliteSync;
import io.karst.pki.ClusterPki;
import io.karst.pki.LeafCatalog;
import io.karst.pki.PemFiles;
import io.karst.pki.PkiLayout;

/**
 * The API over HTTPS as the component wires it (a real PKI with x509 authentication, the resource stack over
 * SQLite) on an ephemeral port of 127.0.0.1, for tests of HTTP clients in other modules (it ships in the test-jar).
 * It writes the files a remote client is configured with: the server CA bundle, and the admin's certificate and
 * PKCS#8 key.
 */
public final class HttpsApi implements AutoCloseable {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final LogStructuredStore kv;
    private final ResourceStack stack;
    private final HttpsServer server;
    private final Path caFile;
    private final Path certFile;
    private final Path keyFile;

    public HttpsApi(Path dir) throws Exception {
        ClusterPki pki = ClusterPki.open(new PkiSettings(dir.resolve("data"), "node-1", List.of("127.0.0.1"),
                List.of(), "cluster.local", "10.43.0.0/16", 6443, Optional.empty(), Optional.empty(), "0600"));
        var authority = pki.certificateAuthority();
        kv = SqliteStore.openInDataDir(dir.resolve("db"), SqliteSync.NORMAL, StoreSettings.defaults());
        stack = new ResourceStack(() -> kv, "10.43.0.0/16", "30000-32767", timers, Clock.systemUTC());
        stack.bootstrap("10.43.0.1", 6443);
        AuthenticationChain authentication = new AuthenticationChain();
        authentication.add(pki.authenticator(), 0, 1);
        AuthorizationChain authorization = new AuthorizationChain();
        ClusterAuthorization built = ClusterAuthorization.start(stack.client(), timers, Duration.ofSeconds(10));
        built.addTo(authorization);
        AccessReviews reviews = built.reviews(authorization);
        built.enforceEscalationChecks(stack.escalationAdmission(), authorization);
        ResourceApi resources = new ResourceApi(stack.registry(), stack.endpoint(), stack.codec(), workers, timers,
                () -> reviews, stack.tokenReviews());
        ApiRequestHandler handler = new ApiRequestHandler(authentication, authorization,
                new HealthEndpoint(new HealthRegistry()),
                new VersionInfo("v1.33.0", "v0.1.0", ""), authority, resources,
                new OpenApiEndpoint(SchemaModel.builtIn(), stack.registry()), null, null);
        server = new HttpsServer(new InetSocketAddress("127.0.0.1", 0),
                new HttpsServerInitializer(ApiServerComponent.sslContext(authority), handler, 3 * 1024 * 1024));

        PkiLayout layout = new PkiLayout(dir.resolve("data"));
        Path client = Files.createDirectories(dir.resolve("client"));
        caFile = write(client.resolve("server-ca.crt"), authority.serverCaBundle());
        certFile = write(client.resolve("admin.crt"), Files.readString(layout.certificate(LeafCatalog.ADMIN)));
        keyFile = write(client.resolve("admin.key"),
                PemFiles.encodePkcs8(PemFiles.readPrivateKey(layout.key(LeafCatalog.ADMIN))));
    }

    private static Path write(Path file, String content) {
        try {
            return Files.writeString(file, content, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code https://127.0.0.1:<port>}. */
    public String url() {
        return "https://127.0.0.1:" + port();
    }

    public int port() {
        return server.address().getPort();
    }

    /** The PEM bundle of the CA that signed the serving certificate. */
    public Path caFile() {
        return caFile;
    }

    /** The admin's client certificate (CN system:admin, O system:masters), PEM. */
    public Path certFile() {
        return certFile;
    }

    /** The admin's private key, PEM PKCS#8. */
    public Path keyFile() {
        return keyFile;
    }

    /** The server's in-process client, to arrange and check state without HTTP. */
    public ResourceClient local() {
        return stack.client();
    }

    /** Compacts the store's history up to now: watches from older versions get 410. */
    public void compact() {
        kv.compact(kv.currentRevision());
    }

    @Override
    public void close() {
        server.close();
        stack.close();
        workers.shutdownNow();
        timers.shutdownNow();
        kv.close();
    }
}
