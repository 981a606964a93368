package io.karst.controllers.cronjob;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;

/**
 * A CronJob schedule as upstream reads it (robfig/cron's standard parser): five fields (minute, hour, day of
 * month, month, day of week 0-6) with {@code *}, {@code ?}, values, names ({@code jan}, {@code mon}), ranges,
 * steps and lists, or a descriptor ({@code @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly},
 * {@code @daily}, {@code @midnight}, {@code @hourly}). When both day fields are restricted a day matching either
 * counts; when one is {@code *} both must match.
 */
final class CronSchedule {
    private static final int[][] BOUNDS = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 6}};
    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
            Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7),
            Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));
    private static final Map<String, Integer> DAYS = Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4,
            "fri", 5, "sat", 6);
    private static final Map<String, String> DESCRIPTORS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    private final BitSet[] fields = new BitSet[5];
    private final boolean domStar;
    private final boolean dowStar;

    private CronSchedule(String spec) {
        String expanded = DESCRIPTORS.getOrDefault(spec.trim().toLowerCase(Locale.ROOT), spec.trim());
        if (expanded.startsWith("@")) {
            throw new IllegalArgumentException("unrecognized descriptor: " + spec.trim());
        }
        String[] parts = expanded.split("\\s+");
        if (parts.length != 5) {
            throw new IllegalArgumentException("expected exactly 5 fields, found " + parts.length + ": " + spec);
        }
        for (int f = 0; f < 5; f++) {
            fields[f] = new BitSet();
            for (String expr : parts[f].split(",", -1)) {
                range(expr, f, fields[f]);
            }
        }
        domStar = parts[2].equals("*") || parts[2].equals("?");
        dowStar = parts[4].equals("*") || parts[4].equals("?");
    }

    /** @throws IllegalArgumentException with the reason when {@code spec} is not a schedule */
    static CronSchedule parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty spec string");
        }
        return new CronSchedule(spec);
    }

    private static void range(String expr, int field, BitSet into) {
        int min = BOUNDS[field][0];
        int max = BOUNDS[field][1];
        String[] rangeAndStep = expr.split("/", -1);
        if (rangeAndStep.length > 2) {
            throw new IllegalArgumentException("too many slashes: " + expr);
        }
        int start;
        int end;
        boolean star = rangeAndStep[0].equals("*") || rangeAndStep[0].equals("?");
        if (star) {
            start = min;
            end = max;
        } else {
            String[] lowAndHigh = rangeAndStep[0].split("-", -1);
            if (lowAndHigh.length > 2) {
                throw new IllegalArgumentException("too many hyphens: " + expr);
            }
            start = value(lowAndHigh[0], field);
            end = lowAndHigh.length == 2 ? value(lowAndHigh[1], field) : start;
            if (lowAndHigh.length == 1 && rangeAndStep.length == 2) {
                end = max; // "5/10" means from 5 to the end, every 10
            }
        }
        int step = rangeAndStep.length == 2 ? number(rangeAndStep[1]) : 1;
        if (start < min) {
            throw new IllegalArgumentException("beginning of range (" + start + ") below minimum (" + min + "): " + expr);
        }
        if (end > max) {
            throw new IllegalArgumentException("end of range (" + end + ") above maximum (" + max + "): " + expr);
        }
        if (start > end) {
            throw new IllegalArgumentException("beginning of range (" + start + ") beyond end of range (" + end
                    + "): " + expr);
        }
        if (step <= 0) {
            throw new IllegalArgumentException("step of range should be a positive number: " + expr);
        }
        for (int i = start; i <= end; i += step) {
            into.set(i);
        }
    }

    private static int value(String text, int field) {
        Map<String, Integer> names = field == 3 ? MONTHS : field == 4 ? DAYS : Map.of();
        Integer named = names.get(text.toLowerCase(Locale.ROOT));
        return named != null ? named : number(text);
    }

    private static int number(String text) {
        if (!text.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("failed to parse int from " + text);
        }
        return Integer.parseInt(text);
    }

    /** The first time strictly after {@code after} that the schedule names, in {@code zone}; null if none in 5 years. */
    ZonedDateTime next(ZonedDateTime after, ZoneId zone) {
        ZonedDateTime t = after.withZoneSameInstant(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = t.plusYears(5);
        while (t.isBefore(limit)) {
            if (!fields[3].get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
                continue;
            }
            if (!dayMatches(t)) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                continue;
            }
            if (!fields[1].get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                continue;
            }
            if (!fields[0].get(t.getMinute())) {
                t = t.plusMinutes(1);
                continue;
            }
            return t;
        }
        return null;
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = fields[2].get(t.getDayOfMonth());
        boolean dow = fields[4].get(t.getDayOfWeek().getValue() % 7);
        return domStar || dowStar ? dom && dow : dom || dow;
    }
}
