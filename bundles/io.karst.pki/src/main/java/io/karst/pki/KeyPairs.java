package io.karst.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/** The key pairs the PKI generates, and the check that a private key belongs to a certificate. */
public final class KeyPairs {
    private static final byte[] PROBE = "karst key pair probe".getBytes(StandardCharsets.US_ASCII);

    private KeyPairs() {
    }

    /** ECDSA on P-256, what K3s uses for its CAs and certificates. */
    public static KeyPair ecdsaP256(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate ECDSA P-256 keys", e);
        }
    }

    /** RSA 2048, the service-account signing key (RS256 is what every Kubernetes token verifier accepts). */
    public static KeyPair rsa2048(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate RSA keys", e);
        }
    }

    /**
     * Whether {@code key} is the private half of {@code publicKey}, proved by signing and verifying, which works
     * the same for every algorithm.
     */
    public static boolean matches(PrivateKey key, PublicKey publicKey) {
        // Bouncy Castle names EC keys "ECDSA" where the JDK says "EC"; which one a key reports depends on the
        // provider that decoded it (in Karaf sshd registers BC), so names are normalised before comparing.
        String family = family(key.getAlgorithm());
        if (!family.equals(family(publicKey.getAlgorithm()))) {
            return false;
        }
        String algorithm = switch (family) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String family(String algorithm) {
        return algorithm.equals("ECDSA") ? "EC" : algorithm;
    }
}
