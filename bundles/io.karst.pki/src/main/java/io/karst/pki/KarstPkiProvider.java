package io.karst.pki;

import io.karst.api.security.PkiProvider;
import io.karst.api.security.PkiSettings;

/**
 * The {@link PkiProvider} the {@code karst} command finds with {@link java.util.ServiceLoader}
 * ({@code META-INF/services}); it touches no OSGi class, so it works on a plain class path.
 */
public final class KarstPkiProvider implements PkiProvider {

    /** ServiceLoader needs a public no-argument constructor. */
    public KarstPkiProvider() {
    }

    @Override
    public Pki open(PkiSettings settings) {
        return ClusterPki.open(settings);
    }
}
