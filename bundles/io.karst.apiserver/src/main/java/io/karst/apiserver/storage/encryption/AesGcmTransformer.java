package io.karst.apiserver.storage.encryption;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Upstream's {@code aesgcm} provider: AES-GCM with a random 12-byte nonce stored in front of the sealed value and
 * its 16-byte tag, the datastore key as additional authenticated data (so a value moved to another key, or changed
 * by one bit, is refused).
 */
final class AesGcmTransformer implements StorageTransformer {
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random;

    AesGcmTransformer(byte[] key, SecureRandom random) {
        this.key = new SecretKeySpec(AesKeys.check(key), "AES");
        this.random = random;
    }

    @Override
    public byte[] toStorage(byte[] plain, String dataKey) {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(dataKey.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = Arrays.copyOf(nonce, NONCE + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    @Override
    public byte[] fromStorage(byte[] stored, String dataKey) {
        if (stored.length < NONCE + TAG_BITS / 8) {
            throw new TransformException("the stored data was shorter than the nonce and tag");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE));
            cipher.updateAAD(dataKey.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(stored, NONCE, stored.length - NONCE);
        } catch (AEADBadTagException e) {
            throw new TransformException("message authentication failed: wrong key, or a changed or moved value");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }
}
