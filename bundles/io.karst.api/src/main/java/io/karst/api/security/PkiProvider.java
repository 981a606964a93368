package io.karst.api.security;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens a server's PKI from its data directory without a running framework, for the {@code karst} command's
 * offline operations ({@code certificate check|rotate}, {@code token ...}). Found with
 * {@link java.util.ServiceLoader}; inside the framework the same objects are OSGi services instead.
 */
@ProviderType
public interface PkiProvider {

    /**
     * Loads the PKI under {@code settings.dataDir()}, creating what is missing and renewing leaves inside their
     * renewal window, as a starting server does.
     *
     * @throws IllegalStateException when the files exist but cannot be used; the message names the file
     */
    Pki open(PkiSettings settings);

    /** The two faces of one opened PKI. */
    interface Pki {
        CertificateAuthority certificateAuthority();

        TokenService tokenService();
    }
}
