package io.karst.launcher.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodePasswordTest {
    @TempDir
    Path dir;

    @Test
    void thePasswordIsMadeOnceOwnerOnlyAndKept() throws Exception {
        Path file = dir.resolve("etc/karst/node/password");
        String first = NodePassword.ensure(file);
        assertTrue(first.matches("[0-9a-f]{32}"), first);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(first, NodePassword.ensure(file));
    }

    @Test
    void theNodeIdLivesNextToThePasswordAndDiffersFromIt() throws Exception {
        Path file = dir.resolve("password");
        String id = NodePassword.nodeId(file);
        assertTrue(id.matches("[0-9a-f]{8}"), id);
        assertEquals(id, NodePassword.nodeId(file));
        assertNotEquals(id, NodePassword.ensure(file));
        assertTrue(Files.exists(dir.resolve("id")));
    }

    @Test
    void anEmptyPasswordFileIsAnErrorNotAnEmptyPassword() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "\n");
        IOException e = assertThrows(IOException.class, () -> NodePassword.ensure(file));
        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    }
}
