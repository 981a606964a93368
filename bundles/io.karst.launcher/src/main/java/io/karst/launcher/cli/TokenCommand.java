package io.karst.launcher.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.karst.api.security.JoinToken;
import io.karst.launcher.cli.SubcommandArguments.Option;
import io.karst.launcher.config.ResolvedConfig;

/**
 * {@code karst token create|list|delete|rotate}: bootstrap tokens and the server token, as {@code k3s token}.
 * Bootstrap tokens are Secrets in kube-system, made through the running server's API as its administrator;
 * rotating the server token works on the data directory through the PKI provider.
 */
public final class TokenCommand extends ActionSubcommand {
    private static final String USAGE = """
            Usage: karst token COMMAND [options] [server flags such as --data-dir, --config]

              create [--ttl 24h] [--description TEXT] [--usages signing,authentication] [--groups G1,G2]
                     Create a bootstrap token (a Secret in kube-system) and print it; --ttl 0 never expires
              list [-o text|json|yaml]
                     List bootstrap tokens
              delete ID...
                     Delete bootstrap tokens by id (or by the full token)

            create, list and delete need the server running on the data dir.
              rotate [--token OLD] --new-token NEW
                     Replace the server token's secret; servers must then be restarted with it
            """;

    private final Clock clock;

    public TokenCommand() {
        this(Clock.systemUTC());
    }

    TokenCommand(Clock clock) {
        super("token", USAGE);
        this.clock = clock;
    }

    @Override
    int runAction(String action, List<String> rest, Map<String, String> env, PrintStream out, PrintStream err)
            throws CommandFailure {
        return switch (action) {
            case "create" -> create(rest, env, out);
            case "list" -> list(rest, env, out);
            case "delete" -> delete(rest, env, out, err);
            case "rotate" -> rotate(rest, env, out);
            default -> throw new CommandFailure("unknown command \"" + action
                    + "\": expected create, list, delete or rotate");
        };
    }

    private int create(List<String> args, Map<String, String> env, PrintStream out) throws CommandFailure {
        SubcommandArguments parsed = SubcommandArguments.parse(args, List.of(Option.withValue("ttl", ""),
                Option.withValue("description", ""), Option.withValue("usages", ""),
                Option.withValue("groups", "")));
        if (parsed.help()) {
            out.print(USAGE);
            return 0;
        }
        parsed.noPositionals();
        Duration ttl;
        try {
            ttl = Durations.parse(parsed.last("ttl").orElse("24h"));
        } catch (IllegalArgumentException e) {
            throw new CommandFailure("--ttl: " + e.getMessage());
        }
        Set<String> usages = new LinkedHashSet<>(parsed.list("usages"));
        BootstrapTokenSecrets.validate(ttl, usages.isEmpty() ? BootstrapTokenSecrets.DEFAULT_USAGES : usages,
                parsed.list("groups"));
        ResolvedConfig config = ServerConfig.resolve(parsed.serverArgs(), env);
        AdminApi api = AdminApi.open(config);
        String token = BootstrapTokenSecrets.create(api, caHash(config), ttl,
                parsed.last("description").orElse(""), usages, parsed.list("groups"), clock.instant());
        out.println(token);
        return 0;
    }

    private int list(List<String> args, Map<String, String> env, PrintStream out) throws CommandFailure {
        SubcommandArguments parsed = SubcommandArguments.parse(args, List.of(Option.withValue("output", "o")));
        if (parsed.help()) {
            out.print(USAGE);
            return 0;
        }
        parsed.noPositionals();
        OutputFormat format = OutputFormat.parse(parsed.last("output"),
                List.of(OutputFormat.TEXT, OutputFormat.JSON, OutputFormat.YAML));
        List<JoinToken> tokens = BootstrapTokenSecrets.list(AdminApi.open(ServerConfig.resolve(parsed.serverArgs(),
                env)));
        Instant now = clock.instant();
        if (format == OutputFormat.TEXT) {
            TextTable table = new TextTable("TOKEN", "TTL", "EXPIRES", "USAGES", "DESCRIPTION", "EXTRA GROUPS");
            for (JoinToken token : tokens) {
                table.row(token.id(), ttl(token, now), expires(token), String.join(",", new TreeSet<>(token.usages())),
                        orNone(token.description()), orNone(String.join(",", token.groups())));
            }
            table.print(out);
            return 0;
        }
        List<Map<String, Object>> data = new ArrayList<>();
        for (JoinToken token : tokens) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("token", token.id());
            item.put("ttl", ttl(token, now));
            item.put("expires", token.expires() == null ? null : OutputFormat.timestamp(token.expires()));
            item.put("usages", List.copyOf(new TreeSet<>(token.usages())));
            item.put("description", token.description());
            item.put("groups", token.groups());
            data.add(item);
        }
        out.print(OutputFormat.render(format, data));
        return 0;
    }

    private int delete(List<String> args, Map<String, String> env, PrintStream out, PrintStream err)
            throws CommandFailure {
        SubcommandArguments parsed = SubcommandArguments.parse(args, List.of());
        if (parsed.help()) {
            out.print(USAGE);
            return 0;
        }
        if (parsed.positionals().isEmpty()) {
            throw new CommandFailure("missing token id: expected karst token delete ID...");
        }
        AdminApi api = AdminApi.open(ServerConfig.resolve(parsed.serverArgs(), env));
        int exit = 0;
        for (String given : parsed.positionals()) {
            String id = idOf(given);
            if (BootstrapTokenSecrets.delete(api, id)) {
                out.println("bootstrap token \"" + id + "\" deleted");
            } else {
                err.println("karst token delete: bootstrap token \"" + id + "\" not found");
                exit = 1;
            }
        }
        return exit;
    }

    private int rotate(List<String> args, Map<String, String> env, PrintStream out) throws CommandFailure {
        SubcommandArguments parsed = SubcommandArguments.parse(args,
                List.of(Option.withValue("token", "t"), Option.withValue("new-token", "")));
        if (parsed.help()) {
            out.print(USAGE);
            return 0;
        }
        parsed.noPositionals();
        String newToken = parsed.last("new-token").filter(t -> !t.isBlank())
                .orElseThrow(() -> new CommandFailure("missing --new-token: expected the new server token"));
        ResolvedConfig config = ServerConfig.resolve(parsed.serverArgs(), env);
        // As k3s token rotate: without --token, the server's own token (flag file, environment, config) is used.
        String current = parsed.last("token").or(() -> config.optional("token"))
                .orElseThrow(() -> new CommandFailure("missing --token: expected the current server token"));
        String rotated;
        try {
            rotated = ServerPki.open(config).tokenService().rotateServerToken(current, newToken);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage());
        }
        out.println(rotated);
        out.println("Server token rotated: restart every Karst server with the new token"
                + " (--token, KARST_TOKEN or token: in the config file).");
        return 0;
    }

    /** The CA hash of the server token, {@code K10<hash>::...}, which a bootstrap token's secure form repeats. */
    private static String caHash(ResolvedConfig config) throws CommandFailure {
        return BootstrapTokenSecrets.caHash(ServerPki.open(config).tokenService().serverToken());
    }

    /** The id of {@code abcdef}, {@code abcdef.secret} or {@code K10<hash>::abcdef.secret}. */
    private static String idOf(String given) {
        String token = given.contains("::") ? given.substring(given.lastIndexOf("::") + 2) : given;
        int dot = token.indexOf('.');
        return dot < 0 ? token : token.substring(0, dot);
    }

    private static String ttl(JoinToken token, Instant now) {
        if (token.expires() == null) {
            return "<forever>";
        }
        // as kubeadm: an expired token the cleaner has not removed yet
        return token.expires().isAfter(now) ? Durations.shortHuman(Duration.between(now, token.expires()))
                : "<invalid>";
    }

    private static String expires(JoinToken token) {
        return token.expires() == null ? "<never>" : OutputFormat.timestamp(token.expires());
    }

    private static String orNone(String text) {
        return text.isEmpty() ? "<none>" : text;
    }
}
