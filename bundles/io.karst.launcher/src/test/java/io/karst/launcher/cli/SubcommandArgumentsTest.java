package io.karst.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.karst.launcher.cli.SubcommandArguments.Option;

class SubcommandArgumentsTest {

    @Test
    void separatesOwnOptionsServerFlagsWithTheirValuesAndPositionals() throws Exception {
        SubcommandArguments parsed = SubcommandArguments.parse(
                List.of("abc123", "-o", "json", "--data-dir", "/srv/karst", "--debug", "def456", "-c=/etc/x.yaml",
                        "--service", "a,b", "--service=c", "--unknown-flag"),
                List.of(Option.withValue("output", "o"), Option.withValue("service", "s")));

        assertEquals(Optional.of("json"), parsed.last("output"));
        assertEquals(List.of("a", "b", "c"), parsed.list("service"));
        assertEquals(List.of("abc123", "def456"), parsed.positionals());
        assertEquals(List.of("--data-dir", "/srv/karst", "--debug", "-c=/etc/x.yaml", "--unknown-flag"),
                parsed.serverArgs());
    }

    @Test
    void subcommandOptionShadowsTheServerFlagOfTheSameName() throws Exception {
        SubcommandArguments parsed = SubcommandArguments.parse(List.of("-t", "old", "--new-token", "new"),
                List.of(Option.withValue("token", "t"), Option.withValue("new-token", "")));

        assertEquals(Optional.of("old"), parsed.last("token"));
        assertEquals(List.of(), parsed.serverArgs());
    }

    @Test
    void helpAndMissingValues() throws Exception {
        assertTrue(SubcommandArguments.parse(List.of("--help"), List.of()).help());
        CommandFailure e = assertThrows(CommandFailure.class,
                () -> SubcommandArguments.parse(List.of("--ttl"), List.of(Option.withValue("ttl", ""))));
        assertEquals("missing value for --ttl", e.getMessage());
    }
}
