package io.karst.apiserver.storage.encryption;

/** The AES key sizes upstream accepts. */
final class AesKeys {
    private AesKeys() {
    }

    static byte[] check(byte[] key) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("an AES key is 16, 24 or 32 bytes, not " + key.length);
        }
        return key;
    }
}
