package io.karst.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.karst.api.security.PkiProvider;
import io.karst.launcher.cli.ServerFixture.Run;

class TokenCommandTest {
    private static final String FULL_TOKEN = "K10[0-9a-f]+::([a-z0-9]{6})\\.[a-z0-9]{16}";

    @TempDir
    Path dir;
    ServerFixture server;
    TokenCommand command = new TokenCommand();

    @BeforeEach
    void setUp() {
        server = new ServerFixture(dir);
    }

    private String createToken(String... options) {
        Run run = server.run(command, concat("create", options));
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().strip().matches(FULL_TOKEN), run.out());
        return run.out().strip();
    }

    private static String idOf(String token) {
        return token.replaceAll(FULL_TOKEN, "$1");
    }

    private static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    void createListAndDeleteNeedTheRunningServerAndChangeNothingWithoutIt() throws Exception {
        for (String action : List.of("list", "create", "delete")) {
            Run run = action.equals("delete") ? server.run(command, action, "abcdef") : server.run(command, action);

            assertEquals(1, run.exit(), action);
            assertEquals("karst token " + action + ": no Karst server is running on " + server.dataDir
                    + ": bootstrap tokens are Secrets in the cluster, so the server must run\n", run.err());
        }
        assertFalse(Files.exists(server.dataDir));
    }

    @Test
    void rejectsDurationsGoDoesNotKnow() {
        Run run = server.run(command, "create", "--ttl", "7d");

        assertEquals(1, run.exit());
        assertEquals("karst token create: --ttl: invalid duration \"7d\": " + Durations.EXPECTED
                + "; days are not a unit, write 168h\n", run.err());
    }

    @Test
    void refusalsArePrintedAsOneLine() {
        Run run = server.run(command, "create", "--groups", "system:masters");

        assertEquals(1, run.exit());
        assertTrue(run.err().startsWith("karst token create: token group 'system:masters' must match"), run.err());
    }

    @Test
    void badUsagesAndNegativeLifetimesAreRefusedBeforeAnythingIsSent() {
        Run usage = server.run(command, "create", "--usages", "everything");
        Run negative = server.run(command, "create", "--ttl", "-1h");

        assertEquals(1, usage.exit());
        assertEquals("karst token create: unknown token usage 'everything'; valid usages: authentication, signing\n",
                usage.err());
        assertEquals(1, negative.exit());
        assertTrue(negative.err().startsWith("karst token create: --ttl"), negative.err());
    }

    @Test
    void rotateReplacesTheServerSecret() {
        PkiProvider.Pki pki = server.createPki();
        String current = pki.tokenService().serverToken();

        Run run = server.run(command, "rotate", "--token", current, "--new-token", "n3wsecret");

        assertEquals(0, run.exit(), run.err());
        List<String> lines = run.lines();
        assertTrue(lines.get(0).endsWith("::server:n3wsecret"), run.out());
        assertTrue(lines.get(1).contains("restart every Karst server with the new token"), run.out());
        assertEquals(lines.get(0), server.createPki().tokenService().serverToken());
    }

    @Test
    void rotateWithTheWrongCurrentTokenFails() {
        server.createPki();

        Run run = server.run(command, "rotate", "-t", "wrong", "--new-token", "n3wsecret");

        assertEquals(1, run.exit());
        assertEquals("karst token rotate: the current token does not match the server token\n", run.err());
    }

    @Test
    void rotateNeedsANewToken() {
        server.createPki();

        Run run = server.run(command, "rotate", "--token", "x");

        assertEquals("karst token rotate: missing --new-token: expected the new server token\n", run.err());
    }

    @Test
    void configurationErrorsOfTheServerFlagsAreReported() {
        Run run = server.run(command, "list", "--https-listen-port", "0");

        assertEquals(1, run.exit());
        assertTrue(run.err().startsWith("karst token list: invalid https-listen-port \"0\" (from the command line)"),
                run.err());
    }

    @Test
    void unknownActionAndUsage() {
        assertEquals(1, server.run(command, "frobnicate").exit());
        Run usage = ServerFixture.runExactly(command, List.of(), server.env);
        assertEquals(1, usage.exit());
        assertTrue(usage.err().startsWith("Usage: karst token"));
    }
}
