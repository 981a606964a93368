import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.netty.handler.ssl.SslContext;

/** A client identity for TLS: the server's CA to trust and, optionally, a client certificate (PKCS#12). */
final class Identity {
    private final KeyManagerFactory keys;
    private final TrustManagerFactory trust;

    private Identity(KeyManagerFactory keys, TrustManagerFactory trust) {
        this.keys = keys;
        this.trust = trust;
    }

    /** @param p12 a PKCS#12 file with the password {@code bench}, or null for no client certificate */
    static Identity fromPkcs12(Path ca, Path p12) throws Exception {
        KeyManagerFactory kmf = null;
        if (p12 != null) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                keyStore.load(in, "bench".toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, "bench".toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        return new Identity(kmf, tmf);
    }

    SSLContext jdk() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return ctx;
    }

    SslContext netty() throws Exception {
        return H2Connection.tls(keys, trust);
    }
}
