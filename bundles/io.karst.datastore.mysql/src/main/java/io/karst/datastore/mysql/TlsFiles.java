package io.karst.datastore.mysql;

import java.util.Map;

/**
 * {@code --datastore-cafile/-certfile/-keyfile} for MariaDB Connector/J. A CA file turns on full verification of
 * the server's certificate and name. The connector reads a client certificate and key only from a key store, so
 * the key file must then be a PKCS#12 file holding both (the certificate file is then not needed); PEM pairs are
 * refused with a message saying so.
 *
 * @param caFile the CA bundle the server's certificate must chain to, or empty
 * @param certFile the client certificate, or empty
 * @param keyFile the client key store (PKCS#12), or empty
 */
public record TlsFiles(String caFile, String certFile, String keyFile) {

    public static TlsFiles none() {
        return new TlsFiles("", "", "");
    }

    /** The connector's URL options for these files. */
    Map<String, String> options() {
        Map<String, String> options = new java.util.LinkedHashMap<>();
        if (!caFile.isBlank()) {
            options.put("sslMode", "verify-full");
            options.put("serverSslCert", caFile);
        }
        if (!keyFile.isBlank()) {
            String lower = keyFile.toLowerCase(java.util.Locale.ROOT);
            if (!lower.endsWith(".p12") && !lower.endsWith(".pfx")) {
                throw new IllegalArgumentException("--datastore-keyfile " + keyFile + ": the MySQL datastore needs "
                        + "the client certificate and key together as a PKCS#12 file (.p12)");
            }
            options.putIfAbsent("sslMode", "verify-full");
            options.put("keyStore", keyFile);
            options.put("keyStoreType", "PKCS12");
        } else if (!certFile.isBlank()) {
            throw new IllegalArgumentException("--datastore-certfile needs --datastore-keyfile (a PKCS#12 file "
                    + "holding certificate and key) for the MySQL datastore");
        }
        return options;
    }
}
