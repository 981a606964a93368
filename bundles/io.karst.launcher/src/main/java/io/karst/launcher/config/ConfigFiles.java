package io.karst.launcher.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a config file and its drop-ins with K3s's merge rules: the file first, then {@code <file>.d/*.yaml} (and
 * {@code *.yml}) in alphabetical order; a key's last value wins, and a key written {@code key+} appends to the
 * value accumulated so far instead (list elements are added; a string gets {@code ,value}). YAML is read as nodes
 * so every value keeps its file and line.
 */
final class ConfigFiles {
    private final Role role;
    private final Values values = new Values();
    private final List<Path> read = new ArrayList<>();

    private ConfigFiles(Role role) {
        this.role = role;
    }

    /** What the files set, and which files were read. */
    record Result(Values values, List<Path> files) {
    }

    /**
     * @param file the config file
     * @param given how the file was named, or empty when it is the default location, whose absence is fine
     */
    static Result read(Role role, Path file, Optional<Origin> given) throws ConfigException {
        ConfigFiles files = new ConfigFiles(role);
        if (Files.exists(file)) {
            files.load(file);
        } else if (given.isPresent()) {
            throw new ConfigException("config file " + file + " not found (" + given.get().describe()
                    + "): expected an existing YAML file");
        }
        for (Path dropIn : dropIns(file)) {
            files.load(dropIn);
        }
        return new Result(files.values, List.copyOf(files.read));
    }

    private static List<Path> dropIns(Path file) throws ConfigException {
        Path dir = Path.of(file + ".d");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> Files.isRegularFile(p) && isYamlName(p.getFileName().toString()))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new ConfigException("cannot list config drop-in directory " + dir + ": " + reason(e));
        }
    }

    private static boolean isYamlName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml");
    }

    private void load(Path file) throws ConfigException {
        Node root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(reader);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "from " + file : Origin.file(file, mark.getLine() + 1).describe();
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw new ConfigException("malformed YAML (" + where + "): " + problem);
        } catch (YAMLException e) {
            throw new ConfigException("malformed YAML (from " + file + "): " + e.getMessage());
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + reason(e));
        }
        read.add(file);
        if (root == null) {
            return; // empty or only comments
        }
        if (!(root instanceof MappingNode mapping)) {
            throw new ConfigException("invalid config (" + at(file, root).describe()
                    + "): expected a mapping of flag names to values, found " + kind(root));
        }
        for (NodeTuple entry : mapping.getValue()) {
            apply(file, entry);
        }
    }

    private void apply(Path file, NodeTuple entry) throws ConfigException {
        Node keyNode = entry.getKeyNode();
        Origin keyOrigin = at(file, keyNode);
        if (!(keyNode instanceof ScalarNode scalarKey)) {
            throw new ConfigException("invalid key (" + keyOrigin.describe() + "): expected a flag name, found "
                    + kind(keyNode));
        }
        String key = scalarKey.getValue();
        boolean append = key.endsWith("+");
        String name = append ? key.substring(0, key.length() - 1) : key;
        Flag flag = FlagTable.FLAGS.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new ConfigException("unknown key \"" + key + "\" (" + keyOrigin.describe()
                        + "): not a flag of " + role.command() + "; see '" + role.command() + " --help'"));
        if (flag.name().equals(FlagTable.CONFIG)) {
            throw new ConfigException("invalid key \"" + key + "\" (" + keyOrigin.describe()
                    + "): the config file is chosen with --config or KARST_CONFIG_FILE, not inside a config file");
        }
        if (!flag.has(role)) {
            // One config file commonly serves servers and agents alike (K3s skips the other role's keys too).
            return;
        }
        List<Value> given = values(flag, entry.getValueNode(), keyOrigin, file);
        if (!append || !values.has(flag)) {
            if (append && flag.type() != FlagType.LIST && flag.type() != FlagType.STRING) {
                throw notAppendable(key, keyOrigin);
            }
            values.replace(flag, given);
        } else if (flag.type() == FlagType.LIST) {
            values.append(flag, given);
        } else if (flag.type() == FlagType.STRING) {
            String before = values.get(flag).get(0).text();
            String added = given.get(0).text();
            String joined = before.isEmpty() ? added : added.isEmpty() ? before : before + "," + added;
            values.replace(flag, List.of(new Value(joined, keyOrigin)));
        } else {
            throw notAppendable(key, keyOrigin);
        }
    }

    private static ConfigException notAppendable(String key, Origin origin) {
        return new ConfigException("invalid key \"" + key + "\" (" + origin.describe()
                + "): only list and string flags can be appended to with +");
    }

    /** A list flag takes a scalar (comma-separated) or a sequence of scalars; other flags take one scalar. */
    private static List<Value> values(Flag flag, Node node, Origin keyOrigin, Path file) throws ConfigException {
        if (node instanceof ScalarNode scalar) {
            String text = scalar.getTag().equals(Tag.NULL) ? "" : scalar.getValue();
            return flag.type() == FlagType.LIST ? Values.split(text, keyOrigin) : List.of(new Value(text, keyOrigin));
        }
        if (node instanceof SequenceNode sequence && flag.type() == FlagType.LIST) {
            List<Value> elements = new ArrayList<>();
            for (Node element : sequence.getValue()) {
                Origin origin = at(file, element);
                if (!(element instanceof ScalarNode scalar)) {
                    throw new ConfigException("invalid " + flag.name() + " (" + origin.describe()
                            + "): expected a list of values, found " + kind(element) + " in it");
                }
                elements.addAll(Values.split(scalar.getValue(), origin));
            }
            return elements;
        }
        String expected = flag.type() == FlagType.LIST ? "a value or a list of values" : "a single value";
        throw new ConfigException("invalid " + flag.name() + " (" + keyOrigin.describe() + "): expected "
                + expected + ", found " + kind(node));
    }

    private static Origin at(Path file, Node node) {
        return Origin.file(file, node.getStartMark().getLine() + 1);
    }

    private static String kind(Node node) {
        return switch (node.getNodeId()) {
            case scalar -> "a value";
            case sequence -> "a list";
            case mapping -> "a mapping";
            default -> "an alias";
        };
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
