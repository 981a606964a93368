package io.karst.apiserver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HumanDurationTest {

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({
            "-2000, <invalid>",
            "-1999, 0s",
            "-1000, 0s",
            "-500, 0s",
            "0, 0s",
            "999, 0s",
            "59000, 59s",
            "119999, 119s",
            "120000, 2m",
            "121000, 2m1s",
            "599000, 9m59s",
            "600000, 10m",
            "10799000, 179m",
            "10800000, 3h",
            "11100000, 3h5m",
            "28740000, 7h59m",
            "28800000, 8h",
            "172799000, 47h",
            "172800000, 2d",
            "176400000, 2d1h",
            "691200000, 8d",
            "687600000, 7d23h",
            "63071999000, 729d",
            "63072000000, 2y",
            "63158400000, 2y1d",
            "252201600000, 7y364d",
            "252288000000, 8y",
            "315360000000, 10y"})
    void humanDurationKeepsTwoOrThreeSignificantFigures(long millis, String expected) {
        assertEquals(expected, HumanDuration.format(Duration.ofMillis(millis)));
    }

    @ParameterizedTest(name = "{0} s -> {1}")
    @CsvSource({
            "-2, <invalid>",
            "-1, 0s",
            "59, 59s",
            "60, 1m",
            "3599, 59m",
            "3600, 1h",
            "86399, 23h",
            "86400, 1d",
            "31535999, 364d",
            "31536000, 1y"})
    void shortHumanDurationShowsOneUnit(long seconds, String expected) {
        assertEquals(expected, HumanDuration.formatShort(Duration.ofSeconds(seconds)));
    }
}
