package io.karst.apiserver.table;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The descriptions upstream gives its columns, which are the API documentation of the field each column shows.
 * They ship as a resource so that long upstream text stays out of the code. A key with no entry is an empty
 * description, which is also what upstream sends for the few columns that look up a field the type lacks.
 */
final class ColumnDescriptions {
    private static final Properties DESCRIPTIONS = load();

    private ColumnDescriptions() {
    }

    static String of(String key) {
        return DESCRIPTIONS.getProperty(key, "");
    }

    static boolean has(String key) {
        return DESCRIPTIONS.containsKey(key);
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = ColumnDescriptions.class.getResourceAsStream("column-descriptions.properties")) {
            if (in == null) {
                throw new IllegalStateException("column-descriptions.properties is missing from the bundle");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
