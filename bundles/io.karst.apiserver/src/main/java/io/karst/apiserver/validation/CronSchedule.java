package io.karst.apiserver.validation;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a CronJob schedule the way upstream's parser (robfig/cron v3, standard five-field form with descriptors)
 * does, returning that parser's error text so the Status message matches.
 */
public final class CronSchedule {
    private static final int[][] BOUNDS = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 6}};
    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
            Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7),
            Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));
    private static final Map<String, Integer> DAYS = Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4,
            "fri", 5, "sat", 6);
    private static final List<String> DESCRIPTORS = List.of("@yearly", "@annually", "@monthly", "@weekly", "@daily",
            "@midnight", "@hourly");

    private CronSchedule() {
    }

    /** The parser's error for this schedule, or null when it parses. */
    public static String error(String spec) {
        String s = spec;
        if (s.isEmpty()) {
            return "empty spec string";
        }
        if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
            int i = s.indexOf(' ');
            if (i < 0) {
                return "provided bad location " + s.substring(s.indexOf('=') + 1) + ": unknown time zone "
                        + s.substring(s.indexOf('=') + 1);
            }
            s = s.substring(i).strip();
        }
        if (s.startsWith("@")) {
            if (DESCRIPTORS.contains(s)) {
                return null;
            }
            if (s.startsWith("@every ")) {
                return duration(s.substring(7)) ? null
                        : "failed to parse duration " + s + ": time: invalid duration " + GoValues.quote(s.substring(7));
            }
            return "unrecognized descriptor: " + s;
        }
        String[] fields = s.trim().split("\\s+");
        if (fields.length != 5) {
            return "expected exactly 5 fields, found " + fields.length + ": " + Arrays.toString(fields).replace(",", "");
        }
        for (int f = 0; f < 5; f++) {
            for (String expr : fields[f].split(",", -1)) {
                String err = range(expr, BOUNDS[f][0], BOUNDS[f][1], f == 3 ? MONTHS : f == 4 ? DAYS : Map.of());
                if (err != null) {
                    return err;
                }
            }
        }
        return null;
    }

    private static boolean duration(String d) {
        return d.matches("([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+");
    }

    private static String range(String expr, int min, int max, Map<String, Integer> names) {
        String[] rangeAndStep = expr.split("/", -1);
        String[] lowAndHigh = rangeAndStep[0].split("-", -1);
        boolean single = lowAndHigh.length == 1;
        long start;
        long end;
        if (rangeAndStep[0].equals("*") || rangeAndStep[0].equals("?")) {
            start = min;
            end = max;
        } else {
            Object v = intOrName(lowAndHigh[0], names);
            if (v instanceof String err) {
                return err;
            }
            start = (Long) v;
            switch (lowAndHigh.length) {
                case 1 -> end = start;
                case 2 -> {
                    Object e = intOrName(lowAndHigh[1], names);
                    if (e instanceof String err) {
                        return err;
                    }
                    end = (Long) e;
                }
                default -> {
                    return "too many hyphens: " + expr;
                }
            }
        }
        long step;
        switch (rangeAndStep.length) {
            case 1 -> step = 1;
            case 2 -> {
                Object st = mustParseInt(rangeAndStep[1]);
                if (st instanceof String err) {
                    return err;
                }
                step = (Long) st;
                if (single && !rangeAndStep[0].equals("*") && !rangeAndStep[0].equals("?")) {
                    end = max;
                }
                if (step > 1) {
                    break;
                }
            }
            default -> {
                return "too many slashes: " + expr;
            }
        }
        if (start < min) {
            return "beginning of range (" + start + ") below minimum (" + min + "): " + expr;
        }
        if (end > max) {
            return "end of range (" + end + ") above maximum (" + max + "): " + expr;
        }
        if (start > end) {
            return "beginning of range (" + start + ") beyond end of range (" + end + "): " + expr;
        }
        if (step == 0) {
            return "step of range should be a positive number: " + expr;
        }
        return null;
    }

    private static Object intOrName(String expr, Map<String, Integer> names) {
        Integer named = names.get(expr.toLowerCase(Locale.ROOT));
        return named != null ? (Object) (long) named : mustParseInt(expr);
    }

    private static Object mustParseInt(String expr) {
        long num;
        try {
            if (!expr.matches("[+-]?[0-9]+")) {
                throw new NumberFormatException();
            }
            num = Long.parseLong(expr);
        } catch (NumberFormatException e) {
            return "failed to parse int from " + expr + ": strconv.Atoi: parsing " + GoValues.quote(expr)
                    + ": invalid syntax";
        }
        if (num < 0) {
            return "negative number (" + num + ") not allowed: " + expr;
        }
        return num;
    }
}
