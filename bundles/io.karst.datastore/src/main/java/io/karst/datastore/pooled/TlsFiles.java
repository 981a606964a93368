package io.karst.datastore.pooled;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code --datastore-cafile/-certfile/-keyfile}, as K3s takes them. A CA file turns on full verification of the
 * server's certificate and name, as K3s does. A client certificate and key are PEM files (see {@link
 * ClientKeyStore} for the key forms read), or the key file is a PKCS#12 key store ({@code .p12}, {@code .pfx})
 * holding both, which the drivers read as it is.
 *
 * @param caFile the CA bundle the server's certificate must chain to, or empty
 * @param certFile the client certificate, or empty
 * @param keyFile the client key, or empty
 */
public record TlsFiles(String caFile, String certFile, String keyFile) {

    public static TlsFiles none() {
        return new TlsFiles("", "", "");
    }

    public boolean hasCaFile() {
        return !caFile.isBlank();
    }

    /** Whether the key file is a PKCS#12 key store, which holds the client certificate as well. */
    public boolean keyFileIsKeyStore() {
        String lower = keyFile.toLowerCase(Locale.ROOT);
        return lower.endsWith(".p12") || lower.endsWith(".pfx");
    }

    /**
     * The PEM client certificate and key as a key store the drivers read, or empty when no client certificate is
     * configured or the key file is a key store already.
     *
     * @throws IllegalArgumentException when only one of the two is given, or they cannot be read or do not match
     */
    public Optional<ClientKeyStore> clientKeyStore() {
        if (keyFileIsKeyStore()) {
            return Optional.empty();
        }
        if (certFile.isBlank() && keyFile.isBlank()) {
            return Optional.empty();
        }
        if (keyFile.isBlank()) {
            throw new IllegalArgumentException("--datastore-certfile " + certFile + " needs --datastore-keyfile");
        }
        if (certFile.isBlank()) {
            throw new IllegalArgumentException("--datastore-keyfile " + keyFile + " needs --datastore-certfile "
                    + "(or a PKCS#12 key store, .p12, holding both)");
        }
        return Optional.of(ClientKeyStore.fromPem(certFile, keyFile));
    }
}
