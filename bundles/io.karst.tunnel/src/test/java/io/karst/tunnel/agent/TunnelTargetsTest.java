package io.karst.tunnel.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class TunnelTargetsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode endpoints(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void theConfiguredServerUntilTheEndpointsNameAny() throws Exception {
        assertEquals(Set.of("https://server.example:6443"),
                TunnelTargets.of(List.of("https://server.example:6443/"), null));
        assertEquals(Set.of("https://server.example:6443"),
                TunnelTargets.of(List.of("https://server.example:6443"), endpoints("{\"subsets\":[]}")));
    }

    @Test
    void everyReadyServerOfTheEndpointsInsteadOfTheConfiguredOne() throws Exception {
        JsonNode kubernetes = endpoints("""
                {"subsets":[{"addresses":[{"ip":"192.0.2.10"},{"ip":"192.0.2.12"}],
                             "notReadyAddresses":[{"ip":"192.0.2.13"}],
                             "ports":[{"name":"https","port":6443,"protocol":"TCP"}]},
                            {"addresses":[{"ip":"2001:db8::1"}],"ports":[{"port":16443}]}]}
                """);
        assertEquals(List.of("https://192.0.2.10:6443", "https://192.0.2.12:6443", "https://[2001:db8::1]:16443"),
                List.copyOf(TunnelTargets.of(List.of("https://server.example:6443"), kubernetes)));
    }

    @Test
    void aSubsetWithoutAPortNamesNoServer() throws Exception {
        assertEquals(List.of(), TunnelTargets.servers(endpoints("{\"subsets\":[{\"addresses\":[{\"ip\":\"192.0.2.10\"}]}]}")));
    }
}
