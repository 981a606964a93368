package io.karst.apiserver.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuantityAndCronTest {
    @Test
    void quantitiesPrintInCanonicalForm() {
        assertEquals("500m", Quantity.parse("0.5").toString());
        assertEquals("1", Quantity.parse("1000m").toString());
        assertEquals("1500m", Quantity.parse("1.5").toString());
        assertEquals("2k", Quantity.parse("2000").toString());
        assertEquals("1Gi", Quantity.parse("1024Mi").toString());
        assertEquals("1536Mi", Quantity.parse("1.5Gi").toString());
        assertEquals("128974848", Quantity.parse("128974848").toString());
        assertEquals("0", Quantity.parse("0Gi").toString());
        assertEquals("1m", Quantity.parse("0.0001").roundedToMilli().toString());
    }

    @Test
    void quantitiesCompareByValue() {
        assertTrue(Quantity.parse("1Gi").compareTo(Quantity.parse("1000Mi")) > 0);
        assertEquals(0, Quantity.parse("1").compareTo(Quantity.parse("1000m")));
        assertThrows(IllegalArgumentException.class, () -> Quantity.parse("1 GB"));
    }

    @Test
    void cronParserAcceptsStandardSchedules() {
        assertNull(CronSchedule.error("*/15 0-6 1,15 JAN-jun mon-fri"));
        assertNull(CronSchedule.error("@daily"));
        assertNull(CronSchedule.error("@every 1h30m"));
    }

    @Test
    void cronParserRejectsWithUpstreamWording() {
        assertEquals("unrecognized descriptor: @sometimes", CronSchedule.error("@sometimes"));
        assertEquals("failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax", CronSchedule.error("x * * * *"));
        assertEquals("beginning of range (5) beyond end of range (1): 5-1", CronSchedule.error("5-1 * * * *"));
        assertEquals("beginning of range (0) below minimum (1): 0", CronSchedule.error("* * 0 * *"));
        assertEquals("end of range (7) above maximum (6): 7", CronSchedule.error("* * * * 7"));
        assertEquals("step of range should be a positive number: */0", CronSchedule.error("*/0 * * * *"));
        assertEquals("too many hyphens: 1-2-3", CronSchedule.error("1-2-3 * * * *"));
    }

    @Test
    void ipAddressesMustBeCanonical() {
        assertTrue(IpAddresses.validIp(FieldPath.root("ip"), "10.0.0.1").isEmpty());
        assertEquals("ip: Invalid value: \"010.0.0.1\": must not have leading 0s",
                IpAddresses.validIp(FieldPath.root("ip"), "010.0.0.1").get(0).toString());
        assertEquals("ip: Invalid value: \"2001:DB8::1\": must be in canonical form (\"2001:db8::1\")",
                IpAddresses.validIp(FieldPath.root("ip"), "2001:DB8::1").get(0).toString());
        assertTrue(IpAddresses.validIp(FieldPath.root("ip"), "fd00::10").isEmpty());
    }
}
