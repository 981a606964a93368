package io.karst.apiserver.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

import io.karst.apiserver.storage.encryption.PrefixTransformers;
import io.karst.apiserver.storage.encryption.SecretsEncryption;

/**
 * {@code karst:secrets-encrypt status|reencrypt|rotate-keys}: K3s's {@code secrets-encrypt} on this server, which
 * holds the keys in use; {@code karst secrets-encrypt} runs it through the shell client.
 */
@Command(scope = "karst", name = "secrets-encrypt",
        description = "Secrets encryption at rest: status, reencrypt (every Secret with the active key), rotate-keys")
@Service
public class SecretsEncryptCommand implements Action {

    @Reference(optional = true)
    SecretsEncryption encryption;

    @Argument(index = 0, name = "command", description = "status, reencrypt or rotate-keys", required = true)
    @Completion(value = StringsCompleter.class, values = {"status", "reencrypt", "rotate-keys"})
    String command;

    @Override
    public Object execute() {
        if (encryption == null) {
            if (!command.equals("status")) {
                throw new IllegalStateException("secrets encryption is not configured: start the server with "
                        + "--secrets-encryption");
            }
            System.out.println("Encryption Status: Disabled, no configuration file found");
            return null;
        }
        switch (command) {
            case "status" -> status();
            case "reencrypt" -> System.out.println("reencryption finished: " + encryption.reencrypt()
                    + " Secrets rewritten with the active key");
            case "rotate-keys" -> {
                SecretsEncryption.Rotation rotation = encryption.rotateKeys();
                System.out.println("keys rotated: " + rotation.newKey() + " is active, " + rotation.reencrypted()
                        + " Secrets reencrypted, removed " + String.join(", ", rotation.removedKeys()));
            }
            default -> throw new IllegalArgumentException("unknown command \"" + command
                    + "\": expected status, reencrypt or rotate-keys");
        }
        return null;
    }

    private void status() {
        SecretsEncryption.Status status = encryption.status();
        System.out.println("Encryption Status: " + (status.enabled() ? "Enabled" : "Disabled"));
        System.out.println("Current Rotation Stage: " + status.stage());
        System.out.println("Server Encryption Hashes: this server only (servers sharing a datastore are not "
                + "compared); configuration sha256 " + status.configHash().substring(0, 16));
        System.out.println("Secrets: " + status.secrets() + " stored, " + status.activeKey()
                + " with the active key, " + status.olderKeys() + " with another key, " + status.plaintext()
                + " not encrypted" + (status.activeKey() == status.secrets() ? " (all encrypted with the active key)"
                        : " (run reencrypt)"));
        ShellTable table = new ShellTable();
        table.column("Active");
        table.column("Key Type");
        table.column("Name");
        boolean first = true;
        for (PrefixTransformers.Provider key : status.keys()) {
            table.addRow().addContent(first && status.enabled() ? "*" : "", key.type().equals("aesgcm") ? "AES-GCM" : "AES-CBC",
                    key.keyName());
            first = false;
        }
        table.print(System.out);
    }
}
