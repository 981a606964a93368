package io.karst.launcher.boot;

import java.util.List;
import java.util.Map;

/**
 * Renders one configuration in Felix ConfigAdmin's typed {@code .config} format, which Karaf's file install reads
 * from {@code etc/}: unlike {@code .cfg} it keeps integers, booleans and string arrays typed.
 */
final class ConfigAdminFile {
    private ConfigAdminFile() {
    }

    static String render(Map<String, Object> properties) {
        StringBuilder out = new StringBuilder("# Written by karst at start from flags, environment and config files.\n");
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            out.append(e.getKey()).append('=').append(value(e.getValue())).append('\n');
        }
        return out.toString();
    }

    private static String value(Object v) {
        if (v instanceof Integer i) {
            return "I\"" + i + "\"";
        }
        if (v instanceof Boolean b) {
            return "B\"" + b + "\"";
        }
        if (v instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",").append(quoted(String.valueOf(list.get(i))));
            }
            return out.append(']').toString();
        }
        return quoted(String.valueOf(v));
    }

    private static String quoted(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"', '\\' -> out.append('\\').append(c);
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
