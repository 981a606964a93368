package io.karst.client.remote;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLContext;

import io.karst.api.security.UserInfo;
import io.karst.tls.pem.PemClientTls;

/**
 * The client's side of mutual TLS ({@link PemClientTls}: the CA bundle it trusts, its certificate and key), and who
 * the API server takes it for: as kube-apiserver reads a client certificate, the subject's CN is the user, each O a
 * group.
 */
final class ClientTls {
    private final SSLContext context;
    private final UserInfo user;

    private ClientTls(SSLContext context, UserInfo user) {
        this.context = context;
        this.user = user;
    }

    static ClientTls load(Path caFile, Path certFile, Path keyFile) {
        try {
            return new ClientTls(PemClientTls.context(caFile, certFile, keyFile),
                    subject(PemClientTls.certificates(certFile).get(0)));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS from " + caFile + ", " + certFile + " and "
                    + keyFile + ": " + e.getMessage(), e);
        }
    }

    SSLContext context() {
        return context;
    }

    /** Who the API server takes this client for. */
    UserInfo user() {
        return user;
    }

    /** CN as the name, each O as a group, as kube-apiserver's x509 authenticator reads a client certificate. */
    static UserInfo subject(X509Certificate certificate) {
        String name = "";
        List<String> groups = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    name = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("unreadable certificate subject "
                    + certificate.getSubjectX500Principal(), e);
        }
        // LdapName lists RDNs last to first
        java.util.Collections.reverse(groups);
        return new UserInfo(name, "", groups, Map.of());
    }
}
