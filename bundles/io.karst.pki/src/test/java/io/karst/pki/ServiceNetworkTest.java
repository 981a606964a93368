package io.karst.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class ServiceNetworkTest {

    @Test
    void firstAddressOfAnIpv4NetworkIsItsBasePlusOne() {
        assertEquals("10.43.0.1", ServiceNetwork.firstAddress("10.43.0.0/16").getHostAddress());
        // Host bits in the configured value are ignored, as Go's net.ParseCIDR does.
        assertEquals("10.43.0.1", ServiceNetwork.firstAddress("10.43.9.8/16").getHostAddress());
        assertEquals("172.16.4.1", ServiceNetwork.firstAddress("172.16.4.0/22").getHostAddress());
    }

    @Test
    void firstAddressOfAnIpv6Network() {
        assertEquals(IpLiterals.parse("fd00:43::1").orElseThrow(), ServiceNetwork.firstAddress("fd00:43::/112"));
        assertEquals(IpLiterals.parse("2001:db8::1").orElseThrow(), ServiceNetwork.firstAddress("2001:db8::ff/64"));
    }

    @Test
    void dualStackGivesOneAddressPerFamily() {
        assertEquals(List.of(IpLiterals.parse("10.43.0.1").orElseThrow(), IpLiterals.parse("fd00::1").orElseThrow()),
                ServiceNetwork.firstAddresses("10.43.0.0/16, fd00::/108"));
    }

    @Test
    void rejectsWhatIsNotAUsableCidr() {
        assertThrows(IllegalArgumentException.class, () -> ServiceNetwork.firstAddress("10.43.0.0"));
        assertThrows(IllegalArgumentException.class, () -> ServiceNetwork.firstAddress("kubernetes/16"));
        assertThrows(IllegalArgumentException.class, () -> ServiceNetwork.firstAddress("10.43.0.0/32"));
        assertThrows(IllegalArgumentException.class, () -> ServiceNetwork.firstAddress("10.43.0.0/x"));
    }
}
