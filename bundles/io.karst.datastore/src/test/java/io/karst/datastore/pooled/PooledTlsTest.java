package io.karst.datastore.pooled;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.KeyValueStore;
import io.karst.datastore.EndpointUri;
import io.karst.datastore.TestDatabases;

/**
 * {@code --datastore-cafile/-certfile/-keyfile} against the test server, which scripts/test-databases runs with
 * TLS: the CA file alone (the server's certificate and name verified, every connection encrypted), a client
 * certificate whose key is in the traditional PEM form K3s users pass, and a CA that did not sign the server's
 * certificate. A provider's test passes its test server.
 */
public abstract class PooledTlsTest {
    private final PooledTestDatabase databases;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private Path certificates;

    protected PooledTlsTest(PooledTestDatabase databases) {
        this.databases = databases;
    }

    @BeforeEach
    void serverTakesTls() throws Exception {
        Optional<Path> directory = TestDatabases.tlsDirectory(databases.server());
        assumeTrue(directory.isPresent(), "the " + databases.server() + " test server was given by endpoint "
                + "without KARST_TEST_TLS_DIR");
        certificates = directory.get();
        try (Connection connection = databases.connectToServer()) {
            assertTrue(databases.offersTls(connection), "the " + databases.server() + " test server runs without "
                    + "TLS; restart it: scripts/test-databases stop " + databases.server()
                    + "; scripts/test-databases start " + databases.server());
        }
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable each : opened) {
            each.close();
        }
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        PooledTestDatabase.dropCreated();
    }

    @Test
    void theCaFileAloneVerifiesTheServerAndEveryConnectionIsEncrypted() throws Exception {
        EndpointUri endpoint = databases.freshDatabase("tls_ca");
        TlsFiles tls = new TlsFiles(file("ca.crt"), "", "");
        assertServes(track(databases.open(endpoint, tls)).store());
        try (PooledDatabase database = databases.database(endpoint, tls);
                Connection connection = database.dataSource(endpoint.database()).getConnection()) {
            assertTrue(databases.isEncrypted(connection));
        }
    }

    @Test
    void aClientCertificateWithATraditionalPemKeyLogsInWithoutAPassword() throws Exception {
        EndpointUri endpoint = certificateUser(databases.freshDatabase("tls_cert"));
        TlsFiles tls = new TlsFiles(file("ca.crt"), file("client.crt"), file("client.key"));
        assertTrue(Files.readString(Path.of(tls.keyFile())).startsWith("-----BEGIN RSA PRIVATE KEY-----"),
                "the script writes the key in PKCS#1 form, which the drivers do not read themselves");
        assertServes(track(databases.open(endpoint, tls)).store());
        Path keyStore;
        try (PooledDatabase database = databases.database(endpoint, tls);
                Connection connection = database.dataSource(endpoint.database()).getConnection();
                Statement statement = connection.createStatement();
                ResultSet user = statement.executeQuery("SELECT CURRENT_USER")) {
            assertTrue(databases.isEncrypted(connection));
            assertTrue(user.next());
            assertTrue(user.getString(1).startsWith(TestDatabases.CERTIFICATE_USER), user.getString(1));
            keyStore = database.clientKey().orElseThrow().file();
            assertTrue(Files.exists(keyStore));
        }
        assertFalse(Files.exists(keyStore), "the key store made for the driver is deleted with its database");
    }

    @Test
    void aCaThatDidNotSignTheServersCertificateIsRefusedWithAClearError() {
        EndpointUri endpoint = databases.freshDatabase("tls_wrong");
        PooledStore store = track(databases.openEvenIfDown(endpoint, new TlsFiles(file("other-ca.crt"), "", "")));
        assertFalse(store.isOpen());
        DatastoreUnavailableException refused = assertThrows(DatastoreUnavailableException.class,
                () -> store.store().get("/tls"));
        String message = refused.getMessage();
        assertTrue(message.contains(endpoint + " is unavailable"), message);
        assertTrue(message.contains("the server's certificate must be signed by the CA in --datastore-cafile "
                + file("other-ca.crt") + " and name " + endpoint.host()), message);
    }

    private void assertServes(KeyValueStore store) {
        store.create("/tls", "x".getBytes(UTF_8), 0);
        assertArrayEquals("x".getBytes(UTF_8), store.get("/tls").orElseThrow().value());
    }

    private PooledStore track(PooledStore store) {
        opened.add(store);
        return store;
    }

    private String file(String name) {
        return certificates.resolve(name).toString();
    }

    private static EndpointUri certificateUser(EndpointUri endpoint) {
        return new EndpointUri(endpoint.scheme(), TestDatabases.CERTIFICATE_USER, "", endpoint.host(),
                endpoint.port(), endpoint.database(), endpoint.parameters());
    }
}
