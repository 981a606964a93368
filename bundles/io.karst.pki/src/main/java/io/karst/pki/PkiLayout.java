package io.karst.pki;

import java.nio.file.Path;

/** Where a server's PKI lives under its data directory; the same relative paths as K3s. */
public record PkiLayout(Path dataDir) {

    /** {@code <dataDir>/server} */
    public Path serverDir() {
        return dataDir.resolve("server");
    }

    /** {@code <dataDir>/server/tls} */
    public Path tlsDir() {
        return serverDir().resolve("tls");
    }

    /** {@code <dataDir>/server/cred} */
    public Path credDir() {
        return serverDir().resolve("cred");
    }

    /** {@code server/tls/<service>.crt} */
    public Path certificate(String service) {
        return tlsDir().resolve(service + ".crt");
    }

    /** {@code server/tls/<service>.key} */
    public Path key(String service) {
        return tlsDir().resolve(service + ".key");
    }

    /** The service-account signing key, {@code server/tls/service.key}. */
    public Path serviceAccountKey() {
        return tlsDir().resolve("service.key");
    }

    /** Its public half, {@code server/tls/service.pub}. */
    public Path serviceAccountPublicKey() {
        return tlsDir().resolve("service.pub");
    }

    /** {@code server/token} */
    public Path token() {
        return serverDir().resolve("token");
    }

    /** {@code server/node-token}, the same content as {@code token} for agents' install scripts. */
    public Path nodeToken() {
        return serverDir().resolve("node-token");
    }

    /** {@code server/cred/bootstrap-tokens} */
    public Path bootstrapTokens() {
        return credDir().resolve("bootstrap-tokens");
    }
}
