package io.karst.controllers.job;

import java.util.TreeSet;

/** A Job's {@code status.completedIndexes}: sorted indexes written as ranges, e.g. {@code 1,3-5,7}. */
final class CompletedIndexes {
    private CompletedIndexes() {
    }

    /** The indexes below {@code completions} that {@code text} lists; malformed parts are skipped. */
    static TreeSet<Integer> parse(String text, int completions) {
        TreeSet<Integer> indexes = new TreeSet<>();
        if (text == null || text.isEmpty()) {
            return indexes;
        }
        for (String part : text.split(",")) {
            String[] bounds = part.split("-", 2);
            try {
                int first = Integer.parseInt(bounds[0].trim());
                int last = bounds.length == 2 ? Integer.parseInt(bounds[1].trim()) : first;
                for (int i = Math.max(first, 0); i <= last && i < completions; i++) {
                    indexes.add(i);
                }
            } catch (NumberFormatException e) {
                // written by someone else: upstream ignores what it cannot parse too
            }
        }
        return indexes;
    }

    static String format(TreeSet<Integer> indexes) {
        StringBuilder out = new StringBuilder();
        Integer start = null;
        Integer previous = null;
        for (int i : indexes) {
            if (previous != null && i == previous + 1) {
                previous = i;
                continue;
            }
            append(out, start, previous);
            start = i;
            previous = i;
        }
        append(out, start, previous);
        return out.toString();
    }

    private static void append(StringBuilder out, Integer start, Integer end) {
        if (start == null) {
            return;
        }
        if (out.length() > 0) {
            out.append(',');
        }
        out.append(start);
        if (end > start) {
            out.append('-').append(end);
        }
    }
}
