package io.karst.controllers.cronjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

/** Schedules read and stepped as robfig/cron's standard parser does. */
class CronScheduleTest {
    static final ZoneId UTC = ZoneId.of("UTC");

    private static String next(String spec, String after) {
        return next(spec, after, UTC);
    }

    private static String next(String spec, String after, ZoneId zone) {
        return CronSchedule.parse(spec).next(ZonedDateTime.parse(after), zone).toOffsetDateTime().toString();
    }

    @Test
    void everyMinuteIsTheNextWholeMinute() {
        assertEquals("2026-01-01T10:01Z", next("* * * * *", "2026-01-01T10:00:00Z"));
        assertEquals("2026-01-01T10:01Z", next("* * * * *", "2026-01-01T10:00:59Z"));
    }

    @Test
    void rangesStepsListsAndNames() {
        assertEquals("2026-01-01T10:15Z", next("*/15 * * * *", "2026-01-01T10:00:00Z"));
        assertEquals("2026-01-01T10:07Z", next("5/2 * * * *", "2026-01-01T10:05:00Z"));
        assertEquals("2026-01-01T12:00Z", next("0 9-17/3 * * *", "2026-01-01T09:00:00Z"));
        assertEquals("2026-01-01T10:30Z", next("0,30 * * * *", "2026-01-01T10:00:00Z"));
        assertEquals("2026-03-01T00:00Z", next("0 0 1 mar *", "2026-01-01T10:00:00Z"));
        // 2026-01-01 is a Thursday
        assertEquals("2026-01-05T08:00Z", next("0 8 * * MON-fri", "2026-01-02T09:00:00Z"));
        assertEquals("2026-01-04T00:00Z", next("0 0 ? * sun", "2026-01-01T00:00:00Z"));
    }

    @Test
    void restrictedDayOfMonthAndDayOfWeekMatchEither() {
        // the 15th, or any Monday: Monday the 5th comes first
        assertEquals("2026-01-05T00:00Z", next("0 0 15 * 1", "2026-01-01T00:00:00Z"));
        // a star in one day field makes the other decide alone
        assertEquals("2026-01-15T00:00Z", next("0 0 15 * *", "2026-01-01T00:00:00Z"));
        assertEquals("2026-02-28T00:00Z", next("0 0 28 2 *", "2026-01-01T00:00:00Z"));
    }

    @Test
    void descriptors() {
        assertEquals("2026-01-01T11:00Z", next("@hourly", "2026-01-01T10:00:00Z"));
        assertEquals("2026-01-02T00:00Z", next("@daily", "2026-01-01T10:00:00Z"));
        assertEquals("2026-01-02T00:00Z", next("@midnight", "2026-01-01T10:00:00Z"));
        assertEquals("2026-01-04T00:00Z", next("@weekly", "2026-01-01T10:00:00Z"));
        assertEquals("2026-02-01T00:00Z", next("@monthly", "2026-01-01T10:00:00Z"));
        assertEquals("2027-01-01T00:00Z", next("@yearly", "2026-01-01T10:00:00Z"));
        assertEquals("2027-01-01T00:00Z", next("@annually", "2026-01-01T10:00:00Z"));
    }

    @Test
    void timesAreReadInTheGivenZone() {
        // 09:00 in Kolkata (UTC+05:30) is 03:30 UTC
        assertEquals("2026-01-02T09:00+05:30",
                next("0 9 * * *", "2026-01-01T05:00:00Z", ZoneId.of("Asia/Kolkata")));
        // across the spring-forward gap in New York the 02:30 of 8 March 2026 does not exist: the next day's runs
        assertEquals("2026-03-09T02:30-04:00",
                next("30 2 * * *", "2026-03-08T06:00:00Z", ZoneId.of("America/New_York")));
    }

    @Test
    void badSchedulesAreRefusedWithTheReason() {
        assertEquals("expected exactly 5 fields, found 4: * * * *",
                assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("* * * *")).getMessage());
        assertEquals("end of range (60) above maximum (59): 0-60",
                assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0-60 * * * *")).getMessage());
        assertEquals("end of range (7) above maximum (6): 7",
                assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0 0 * * 7")).getMessage());
        assertEquals("unrecognized descriptor: @sometimes",
                assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("@sometimes")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("*/0 * * * *"));
        assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("x * * * *"));
        assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(""));
    }
}
