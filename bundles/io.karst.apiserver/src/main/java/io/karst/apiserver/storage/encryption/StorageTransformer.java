package io.karst.apiserver.storage.encryption;

/**
 * Turns an object's encoded value into what the datastore keeps, and back: upstream's {@code value.Transformer}.
 * The datastore key is passed along because an authenticated cipher binds the value to it, so a value copied to
 * another key is refused.
 */
public interface StorageTransformer {
    /** The value to store for {@code key}. */
    byte[] toStorage(byte[] plain, String key);

    /**
     * The value as it was before {@link #toStorage}.
     *
     * @throws TransformException when the value cannot be read (unknown key, tampered or corrupt data)
     */
    byte[] fromStorage(byte[] stored, String key);

    /** What is stored unchanged: a datastore without encryption. */
    StorageTransformer IDENTITY = new StorageTransformer() {
        @Override
        public byte[] toStorage(byte[] plain, String key) {
            return plain;
        }

        @Override
        public byte[] fromStorage(byte[] stored, String key) {
            return stored;
        }
    };
}
