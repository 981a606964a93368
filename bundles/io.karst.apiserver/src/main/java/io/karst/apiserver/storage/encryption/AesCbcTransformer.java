package io.karst.apiserver.storage.encryption;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Upstream's {@code aescbc} provider: AES in CBC mode with PKCS#7 padding, a fresh random IV per value, stored as
 * IV followed by the ciphertext. It does not authenticate: a changed value is noticed only when its padding comes
 * out wrong.
 */
final class AesCbcTransformer implements StorageTransformer {
    private static final int BLOCK = 16;

    private final SecretKeySpec key;
    private final SecureRandom random;

    AesCbcTransformer(byte[] key, SecureRandom random) {
        this.key = new SecretKeySpec(AesKeys.check(key), "AES");
        this.random = random;
    }

    @Override
    public byte[] toStorage(byte[] plain, String dataKey) {
        byte[] iv = new byte[BLOCK];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = Arrays.copyOf(iv, BLOCK + sealed.length);
            System.arraycopy(sealed, 0, out, BLOCK, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CBC is not available in this JVM", e);
        }
    }

    @Override
    public byte[] fromStorage(byte[] stored, String dataKey) {
        if (stored.length < 2 * BLOCK || stored.length % BLOCK != 0) {
            throw new TransformException("the stored data is not a whole number of AES blocks after the IV");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(stored, 0, BLOCK));
            return cipher.doFinal(stored, BLOCK, stored.length - BLOCK);
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            throw new TransformException("invalid PKCS7 data (empty or not padded): wrong key or corrupt value");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CBC is not available in this JVM", e);
        }
    }
}
