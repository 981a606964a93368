package io.karst.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsEncryptCommandTest {
    @TempDir
    Path dir;

    @Test
    void withoutARunningServerTheCommandSaysSoAndChangesNothing() {
        ServerFixture fixture = new ServerFixture(dir);
        ServerFixture.Run run = fixture.run(new SecretsEncryptCommand(), "rotate-keys");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("no Karst server is running on " + fixture.dataDir.toAbsolutePath()), run.err());
        assertTrue(!Files.exists(fixture.dataDir.resolve("server/cred")), "nothing written");
    }

    @Test
    void onlyTheThreeCommandsAreAccepted() {
        ServerFixture.Run run = new ServerFixture(dir).run(new SecretsEncryptCommand(), "prepare");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("expected one of status, reencrypt, rotate-keys"), run.err());
    }

    @Test
    void aRunningServerIsReachedThroughItsShellClient() throws Exception {
        ServerFixture fixture = new ServerFixture(dir);
        Path lock = fixture.dataDir.resolve("server/karaf/data/lock");
        Files.createDirectories(lock.getParent());
        Files.createDirectories(fixture.dataDir.resolve("server/karaf/etc"));
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("bin"));
        Path client = home.resolve("bin/client");
        // a stand-in client that echoes what it was asked and where
        Files.writeString(client, "#!/bin/sh\necho \"$KARAF_ETC $*\"\ncat\n");
        client.toFile().setExecutable(true);
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = channel.lock()) {
            java.util.Map<String, String> env = new java.util.HashMap<>(fixture.env);
            env.put("KARST_HOME", home.toString());
            ServerFixture.Run run = ServerFixture.runExactly(new SecretsEncryptCommand(),
                    java.util.List.of("status", "--data-dir", fixture.dataDir.toString()), env);
            assertEquals(0, run.exit(), run.err());
            assertTrue(run.out().contains(fixture.dataDir.toAbsolutePath().resolve("server/karaf/etc") + " -b"),
                    run.out());
            assertTrue(run.out().contains("karst:secrets-encrypt status"), run.out());
        }
    }
}
