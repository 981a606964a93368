package io.karst.datastore.postgres;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code --datastore-cafile/-certfile/-keyfile}. A CA file turns on full verification of the server's
 * certificate and name, as K3s does; client certificate and key are used when given. The driver reads the key as
 * PKCS-8 (DER, or PEM with the driver's PEM support) or PKCS-12.
 *
 * @param caFile the CA bundle the server's certificate must chain to, or empty
 * @param certFile the client certificate, or empty
 * @param keyFile the client key, or empty
 */
public record TlsFiles(String caFile, String certFile, String keyFile) {

    public static TlsFiles none() {
        return new TlsFiles("", "", "");
    }

    void applyTo(PGSimpleDataSource source) {
        if (!caFile.isBlank()) {
            source.setSsl(true);
            source.setSslMode("verify-full");
            source.setSslRootCert(caFile);
        }
        if (!certFile.isBlank()) {
            source.setSsl(true);
            source.setSslCert(certFile);
        }
        if (!keyFile.isBlank()) {
            source.setSslKey(keyFile);
        }
    }
}
