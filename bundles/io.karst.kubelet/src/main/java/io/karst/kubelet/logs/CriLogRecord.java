package io.karst.kubelet.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;

/**
 * One line of a CRI log file, {@code <RFC 3339 nano timestamp> <stdout|stderr> <F|P>[:more tags] <text>}: {@code P}
 * marks a piece of a longer line the runtime split, continued by the next record of the same stream.
 *
 * @param time the timestamp as written (with its offset), for the {@code timestamps} prefix
 * @param content the text, without the line's newline
 */
record CriLogRecord(OffsetDateTime time, String stream, boolean partial, byte[] content) {
    /** kubelet's output format: nanoseconds always nine digits, the offset as written ({@code Z} for UTC). */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

    Instant instant() {
        return time.toInstant();
    }

    /** The {@code timestamps=true} prefix, the timestamp and one space. */
    byte[] prefix() {
        return (TIMESTAMP.format(time) + " ").getBytes(StandardCharsets.US_ASCII);
    }

    /** Parses a line without its newline; empty for a line that is not a CRI log record (skipped, as upstream does). */
    static Optional<CriLogRecord> parse(byte[] line) {
        int first = indexOf(line, 0);
        if (first < 0) {
            return Optional.empty();
        }
        int second = indexOf(line, first + 1);
        if (second < 0) {
            return Optional.empty();
        }
        int third = indexOf(line, second + 1);
        if (third < 0) {
            return Optional.empty();
        }
        OffsetDateTime time;
        try {
            time = OffsetDateTime.parse(new String(line, 0, first, StandardCharsets.US_ASCII),
                    DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        String stream = new String(line, first + 1, second - first - 1, StandardCharsets.US_ASCII);
        if (!stream.equals("stdout") && !stream.equals("stderr")) {
            return Optional.empty();
        }
        // tags are ':'-separated and the first says full or partial; later ones are for future use
        String tags = new String(line, second + 1, third - second - 1, StandardCharsets.US_ASCII);
        int colon = tags.indexOf(':');
        boolean partial = (colon < 0 ? tags : tags.substring(0, colon)).equals("P");
        return Optional.of(new CriLogRecord(time, stream, partial, Arrays.copyOfRange(line, third + 1, line.length)));
    }

    private static int indexOf(byte[] line, int from) {
        for (int i = from; i < line.length; i++) {
            if (line[i] == ' ') {
                return i;
            }
        }
        return -1;
    }
}
