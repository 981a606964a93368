package io.karst.launcher.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.karst.launcher.config.ResolvedConfig.Setting;

/**
 * Merges the sources of a node's configuration with K3s's rules and validates the result. Highest precedence
 * first:
 * <ol>
 * <li>command-line flags (a list flag given here replaces the whole list from lower sources);</li>
 * <li>{@code KARST_*} environment variables (a list variable holds comma-separated values and also replaces);</li>
 * <li>the config file ({@code /etc/karst/config.yaml}, {@code --config}/{@code -c} or {@code KARST_CONFIG_FILE})
 * and then its {@code <file>.d/*.yaml} drop-ins in alphabetical order, the last value winning unless a key is
 * written {@code key+}, which appends;</li>
 * <li>defaults.</li>
 * </ol>
 * Resolution only reads: the config files and a {@code --token-file}, whose trimmed content becomes the token.
 */
public final class ConfigResolver {
    private final Path defaultConfig;
    private final Supplier<String> hostname;

    /** A resolver with another default config location and host name, for tests. */
    ConfigResolver(Path defaultConfig, Supplier<String> hostname) {
        this.defaultConfig = defaultConfig;
        this.hostname = hostname;
    }

    /**
     * @param args the arguments after {@code karst server} or {@code karst agent}
     * @param env the process environment
     * @throws ConfigException for the first problem found, in one line
     */
    public static ResolvedConfig resolve(Role role, List<String> args, Map<String, String> env)
            throws ConfigException {
        return new ConfigResolver(Path.of(FlagTable.DEFAULT_CONFIG_FILE), ConfigResolver::hostName)
                .resolveFor(role, args, env);
    }

    ResolvedConfig resolveFor(Role role, List<String> args, Map<String, String> env) throws ConfigException {
        Values commandLine = CommandLineArguments.parse(role, args);
        Values environment = EnvironmentVariables.read(role, env);

        Flag configFlag = FlagTable.named(FlagTable.CONFIG);
        Optional<Value> given = single(commandLine, configFlag).or(() -> single(environment, configFlag));
        if (given.isPresent()) {
            check(configFlag, given.get());
        }
        Path file = given.map(v -> Path.of(v.text())).orElse(defaultConfig);
        ConfigFiles.Result files = ConfigFiles.read(role, file, given.map(Value::origin));

        Values merged = files.values();
        merged.overrideWith(environment);
        merged.overrideWith(commandLine);
        merged.replace(configFlag, List.of(given.orElse(new Value(defaultConfig.toString(), Origin.byDefault()))));

        Map<String, Setting> settings = new LinkedHashMap<>();
        for (Flag flag : FlagTable.of(role)) {
            settings.put(flag.name(), settle(role, flag, merged));
        }
        tokenFromFile(settings);
        if (role == Role.AGENT && settings.get(FlagTable.SERVER).values().isEmpty()) {
            throw new ConfigException("missing server: " + role.command() + " needs --server https://host:6443,"
                    + " KARST_URL or \"server:\" in " + file);
        }
        return new ResolvedConfig(role, new ArrayList<>(settings.values()), files.files());
    }

    private static Optional<Value> single(Values values, Flag flag) {
        List<Value> list = values.get(flag);
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(list.size() - 1));
    }

    /** The flag's values from the merge, or its default; validated and in canonical form. */
    private Setting settle(Role role, Flag flag, Values merged) throws ConfigException {
        List<Value> values = merged.get(flag);
        if (!merged.has(flag)) {
            String text = flag.defaultValue().value(role, hostname);
            if (text.isEmpty()) {
                return new Setting(flag, List.of(), Origin.byDefault());
            }
            values = List.of(new Value(text, flag.defaultValue().origin()));
        }
        Origin origin = values.isEmpty() ? Origin.byDefault() : values.get(values.size() - 1).origin();
        boolean optional = flag.defaultValue() == DefaultValue.NONE;
        if (flag.type() != FlagType.LIST && optional && values.get(0).text().isEmpty()) {
            return new Setting(flag, List.of(), origin); // "" given for a flag without default: unset
        }
        List<String> texts = new ArrayList<>();
        for (Value value : values) {
            texts.add(check(flag, value));
        }
        return new Setting(flag, texts, origin);
    }

    /** @return the value in canonical form */
    private static String check(Flag flag, Value value) throws ConfigException {
        String text = value.text();
        Optional<String> problem;
        if (flag.type() == FlagType.BOOL) {
            Optional<Boolean> parsed = ValueRules.parseBool(text);
            if (parsed.isPresent()) {
                return parsed.get().toString();
            }
            problem = Optional.of("expected true or false");
        } else {
            problem = flag.rule().problem(text);
        }
        if (problem.isPresent()) {
            throw new ConfigException("invalid " + flag.name() + " \"" + flag.display().apply(text) + "\" ("
                    + value.origin().describe() + "): " + problem.get());
        }
        String canonical = flag.rule().normalize(text);
        return flag.type() == FlagType.INT ? Integer.toString(Integer.parseInt(canonical)) : canonical;
    }

    /** K3s's --token-file: the file's trimmed content is the token. Giving both is ambiguous, so an error. */
    private static void tokenFromFile(Map<String, Setting> settings) throws ConfigException {
        Setting tokenFile = settings.get(FlagTable.TOKEN_FILE);
        if (tokenFile.values().isEmpty()) {
            return;
        }
        Setting token = settings.get(FlagTable.TOKEN);
        if (!token.values().isEmpty()) {
            throw new ConfigException("both token (" + token.origin().describe() + ") and token-file ("
                    + tokenFile.origin().describe() + ") are set: expected only one of them");
        }
        Path path = Path.of(tokenFile.values().get(0));
        String content;
        try {
            content = Files.readString(path).strip();
        } catch (IOException e) {
            String reason = e instanceof NoSuchFileException ? "no such file"
                    : e instanceof AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
            throw new ConfigException("invalid token-file \"" + path + "\" (" + tokenFile.origin().describe()
                    + "): expected a readable file holding the token, " + reason);
        }
        if (content.isEmpty()) {
            throw new ConfigException("invalid token-file \"" + path + "\" (" + tokenFile.origin().describe()
                    + "): expected a file holding the token, the file is empty");
        }
        settings.put(FlagTable.TOKEN, new Setting(token.flag(), List.of(content), tokenFile.origin()));
    }

    /** Go's os.Hostname, which K3s uses: the kernel's host name on Linux. */
    private static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException e) {
            // Not Linux: ask the JDK below.
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
