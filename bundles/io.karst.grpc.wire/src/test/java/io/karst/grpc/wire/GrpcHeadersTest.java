package io.karst.grpc.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class GrpcHeadersTest {
    @Test
    void theTimeoutIsAtMostEightDigitsInTheFinestUnitThatFits() {
        assertEquals("1n", GrpcHeaders.timeout(0));
        assertEquals("1n", GrpcHeaders.timeout(-5));
        assertEquals("99999999n", GrpcHeaders.timeout(99_999_999L));
        assertEquals("100000u", GrpcHeaders.timeout(100_000_000L));
        assertEquals("1000000u", GrpcHeaders.timeout(Duration.ofSeconds(1).toNanos()));
        assertEquals("120000m", GrpcHeaders.timeout(Duration.ofMinutes(2).toNanos()));
        assertEquals("100000S", GrpcHeaders.timeout(Duration.ofMillis(100_000_000L).toNanos()));
        assertEquals("1666666M", GrpcHeaders.timeout(Duration.ofSeconds(100_000_000L).toNanos()));
        assertEquals("99999999M", GrpcHeaders.timeout(Long.MAX_VALUE));
    }

    @Test
    void theMessageIsPercentDecodedUtf8() {
        assertEquals("unknown service", GrpcHeaders.decodeMessage("unknown%20service"));
        assertEquals("not found \u2717", GrpcHeaders.decodeMessage("not found %E2%9C%97"));
        assertEquals("plain", GrpcHeaders.decodeMessage("plain"));
        // what is not an escape stays as it came
        assertEquals("100% sure %zz %4", GrpcHeaders.decodeMessage("100% sure %zz %4"));
    }
}
