package io.karst.launcher.config;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Writes maps, lists, strings, numbers, booleans and null as indented JSON for {@code -o json}, and reads the
 * server's JSON answers. The launcher runs on a bare class path and needs no JSON library for this much.
 */
public final class JsonText {
    private JsonText() {
    }

    /** The members of a JSON object, read with the YAML parser (JSON is YAML); empty when the text is none. */
    public static Map<String, Object> readObject(String text) {
        try {
            Object value = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put(String.valueOf(k), v));
                return out;
            }
        } catch (RuntimeException e) {
            // not JSON: the caller decides what an empty answer means
        }
        return Map.of();
    }

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "");
        return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, String indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            writeEntries(map.entrySet().iterator(), map.isEmpty(), '{', '}', out, indent);
        } else if (value instanceof List<?> list) {
            writeEntries(list.iterator(), list.isEmpty(), '[', ']', out, indent);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            quote(value.toString(), out);
        }
    }

    private static void writeEntries(Iterator<?> entries, boolean empty, char open, char close, StringBuilder out,
            String indent) {
        out.append(open);
        if (empty) {
            out.append(close);
            return;
        }
        String inner = indent + "  ";
        while (entries.hasNext()) {
            Object entry = entries.next();
            out.append('\n').append(inner);
            if (entry instanceof Map.Entry<?, ?> e) {
                quote(String.valueOf(e.getKey()), out);
                out.append(": ");
                write(e.getValue(), out, inner);
            } else {
                write(entry, out, inner);
            }
            if (entries.hasNext()) {
                out.append(',');
            }
        }
        out.append('\n').append(indent).append(close);
    }

    private static void quote(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
