package io.karst.api.client;

/**
 * The options of create, update and patch ({@code CreateOptions}, {@code UpdateOptions}, {@code PatchOptions}).
 *
 * @param dryRun run every step of the write but store nothing ({@code dryRun=All})
 * @param fieldManager the name recorded as the manager of the fields this write sets, "" for the default
 * @param fieldValidation {@code Strict}, {@code Warn}, {@code Ignore}, or "" for the server's default
 */
public record WriteOptions(boolean dryRun, String fieldManager, String fieldValidation) {

    /** A real write with the server's defaults. */
    public static final WriteOptions NONE = new WriteOptions(false, "", "");

    public WriteOptions {
        fieldManager = fieldManager == null ? "" : fieldManager;
        fieldValidation = fieldValidation == null ? "" : fieldValidation;
    }

    public WriteOptions withDryRun(boolean dry) {
        return new WriteOptions(dry, fieldManager, fieldValidation);
    }

    public WriteOptions withFieldManager(String manager) {
        return new WriteOptions(dryRun, manager, fieldValidation);
    }

    public WriteOptions withFieldValidation(String validation) {
        return new WriteOptions(dryRun, fieldManager, validation);
    }
}
