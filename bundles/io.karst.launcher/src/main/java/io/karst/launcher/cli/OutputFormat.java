package io.karst.launcher.cli;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import io.karst.launcher.config.JsonText;

/** The {@code -o} formats of the listing subcommands. */
enum OutputFormat {
    TEXT, TABLE, JSON, YAML;

    /**
     * @param given the {@code -o} value, if any
     * @param allowed the formats this subcommand offers, the first being its default
     */
    static OutputFormat parse(Optional<String> given, List<OutputFormat> allowed) throws CommandFailure {
        if (given.isEmpty()) {
            return allowed.get(0);
        }
        for (OutputFormat format : allowed) {
            if (format.name().equalsIgnoreCase(given.get())) {
                return format;
            }
        }
        throw new CommandFailure("invalid output format \"" + given.get() + "\": expected one of "
                + String.join(", ", allowed.stream().map(f -> f.name().toLowerCase(Locale.ROOT)).toList()));
    }

    /** An instant as every output prints it: ISO-8601 in UTC, to the second. */
    static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Renders plain data (maps, lists, strings, numbers) for {@link #JSON} or {@link #YAML}. */
    static String render(OutputFormat format, Object data) {
        if (format == JSON) {
            return JsonText.write(data);
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(data);
    }
}
