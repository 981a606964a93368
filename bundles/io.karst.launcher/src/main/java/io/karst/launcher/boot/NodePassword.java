package io.karst.launcher.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret an agent proves its node name with, as K3s's {@code /etc/rancher/node/password}: made once per machine
 * and kept, so that the server can tell this machine rejoining from another machine taking its name. Also the
 * random suffix of {@code --with-node-id}, kept next to it.
 */
final class NodePassword {
    private NodePassword() {
    }

    /** The password in {@code file}, made (random, owner-only) when the file does not exist. */
    static String ensure(Path file) throws IOException {
        return ensure(file, 16);
    }

    /** The id in {@code id} next to the password file, made (8 hex digits) when it does not exist. */
    static String nodeId(Path passwordFile) throws IOException {
        return ensure(passwordFile.resolveSibling("id"), 4);
    }

    private static String ensure(Path file, int randomBytes) throws IOException {
        if (Files.exists(file)) {
            String value = Files.readString(file).trim();
            if (value.isEmpty()) {
                throw new IOException(file + " is empty; delete it to make a new one");
            }
            return value;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        byte[] random = new byte[randomBytes];
        new SecureRandom().nextBytes(random);
        String value = HexFormat.of().formatHex(random);
        KarafInstance.writePrivately(file, value + "\n");
        return value;
    }
}
