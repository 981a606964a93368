package io.karst.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FlagTableTest {

    @Test
    void serverHelpListsFlagsWithAliasesDefaultsAndVariables() {
        String help = FlagTable.help(Role.SERVER);

        assertTrue(help.startsWith("Usage: karst server [flags]\n"));
        assertTrue(help.contains("  -o, --write-kubeconfig FILE"), help);
        assertTrue(help.contains("(default: /etc/karst/karst.yaml) [$KARST_KUBECONFIG_OUTPUT]"), help);
        assertTrue(help.contains("--admin-ssh-port PORT"), help);
        assertTrue(help.contains("(default: 8101)"), help);
        assertTrue(help.contains("--tls-san HOST "), help);
        assertTrue(help.contains("API server's certificate (repeatable, comma-separated) [$KARST_TLS_SAN]"), help);
        assertFalse(help.contains("--server URL"), help);
    }

    @Test
    void agentHelpHasItsOwnFlagsAndDefaults() {
        String help = FlagTable.help(Role.AGENT);

        assertTrue(help.contains("  -s, --server URL"), help);
        assertTrue(help.contains("[$KARST_URL]"), help);
        assertTrue(help.contains("(default: 0)"), help);
        assertFalse(help.contains("--tls-san"), help);
    }

    @Test
    void namesAliasesAndVariablesAreUniquePerRole() {
        for (Role role : Role.values()) {
            Set<String> seen = new HashSet<>();
            for (Flag flag : FlagTable.of(role)) {
                assertTrue(seen.add("--" + flag.name()), flag.name());
                assertTrue(flag.alias().isEmpty() || seen.add("-" + flag.alias()), flag.alias());
                assertTrue(seen.add("$" + flag.env()), flag.env());
            }
        }
    }

    @Test
    void typeTellsWhetherAFlagTakesAValue() {
        assertEquals(Optional.of(FlagType.BOOL), FlagTable.type(Role.SERVER, "debug"));
        assertEquals(Optional.of(FlagType.STRING), FlagTable.type(Role.SERVER, "d"));
        assertEquals(Optional.empty(), FlagTable.type(Role.SERVER, "server"));
    }
}
