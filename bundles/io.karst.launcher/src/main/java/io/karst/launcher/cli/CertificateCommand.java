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

import io.karst.api.security.CertificateAuthority;
import io.karst.api.security.CertificateStatus;
import io.karst.launcher.cli.SubcommandArguments.Option;

/** {@code karst certificate check|rotate}: the server's certificates, as {@code k3s certificate}. */
public final class CertificateCommand extends ActionSubcommand {
    private static final String USAGE = """
            Usage: karst certificate COMMAND [options] [server flags such as --data-dir, --config]

              check [-o text|table|json]
                     Show every certificate with its expiry and status
              rotate [--service NAME]...
                     Renew the leaf certificates of these services (all when none is given); the server must
                     then be restarted. K3s's names are accepted: api-server, admin, controller-manager,
                     scheduler, kube-proxy, auth-proxy, karst-controller, supervisor
            """;
    /** How close to expiry a certificate counts as WARNING, as K3s's renewal window. */
    static final Duration RENEWAL_WINDOW = Duration.ofDays(120);

    /** K3s's service names for {@code --service} → the provider's certificate names. */
    static final Map<String, List<String>> K3S_SERVICES = Map.of(
            "api-server", List.of("serving-kube-apiserver", "client-kube-apiserver"),
            "admin", List.of("client-admin"),
            "controller-manager", List.of("client-controller"),
            "scheduler", List.of("client-scheduler"),
            "kube-proxy", List.of("client-kube-proxy"),
            "auth-proxy", List.of("client-auth-proxy"),
            "karst-controller", List.of("client-karst-controller"),
            "supervisor", List.of("client-supervisor"));

    private final Clock clock;

    public CertificateCommand() {
        this(Clock.systemUTC());
    }

    CertificateCommand(Clock clock) {
        super("certificate", USAGE);
        this.clock = clock;
    }

    @Override
    int runAction(String action, List<String> rest, Map<String, String> env, PrintStream out, PrintStream err)
            throws CommandFailure {
        return switch (action) {
            case "check" -> check(rest, env, out);
            case "rotate" -> rotate(rest, env, out);
            default -> throw new CommandFailure("unknown command \"" + action + "\": expected check or rotate");
        };
    }

    private int check(List<String> args, Map<String, String> env, PrintStream out) throws CommandFailure {
        SubcommandArguments parsed = SubcommandArguments.parse(args, List.of(Option.withValue("output", "o")));
        if (parsed.help()) {
            out.print(USAGE);
            return 0;
        }
        parsed.noPositionals();
        OutputFormat format = OutputFormat.parse(parsed.last("output"),
                List.of(OutputFormat.TEXT, OutputFormat.TABLE, OutputFormat.JSON));
        List<CertificateStatus> certificates = authority(parsed, env).certificates();
        Instant now = clock.instant();
        switch (format) {
            case TABLE -> {
                TextTable table = new TextTable("SERVICE", "FILE", "SUBJECT", "EXPIRES", "DAYS LEFT", "STATUS");
                for (CertificateStatus c : certificates) {
                    table.row(c.service(), c.file(), c.subject(), OutputFormat.timestamp(c.notAfter()), c.daysLeft(now),
                            c.state(now, RENEWAL_WINDOW));
                }
                table.print(out);
            }
            case JSON -> {
                List<Map<String, Object>> data = new ArrayList<>();
                for (CertificateStatus c : certificates) {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("service", c.service());
                    item.put("file", c.file());
                    item.put("subject", c.subject());
                    item.put("authority", c.authority());
                    item.put("notBefore", OutputFormat.timestamp(c.notBefore()));
                    item.put("expires", OutputFormat.timestamp(c.notAfter()));
                    item.put("daysLeft", c.daysLeft(now));
                    item.put("status", c.state(now, RENEWAL_WINDOW));
                    data.add(item);
                }
                out.print(OutputFormat.render(format, data));
            }
            default -> {
                for (CertificateStatus c : certificates) {
                    out.println(c.file() + " (" + c.service() + "): " + c.state(now, RENEWAL_WINDOW) + ", expires "
                            + OutputFormat.timestamp(c.notAfter()) + ", " + c.daysLeft(now) + " days left, subject "
                            + c.subject());
                }
            }
        }
        return 0;
    }

    private int rotate(List<String> args, Map<String, String> env, PrintStream out) throws CommandFailure {
        SubcommandArguments parsed = SubcommandArguments.parse(args, List.of(Option.withValue("service", "s")));
        if (parsed.help()) {
            out.print(USAGE);
            return 0;
        }
        parsed.noPositionals();
        Set<String> services = new LinkedHashSet<>();
        for (String name : parsed.list("service")) {
            services.addAll(K3S_SERVICES.getOrDefault(name, List.of(name)));
        }
        CertificateAuthority authority = authority(parsed, env);
        List<CertificateStatus> renewed;
        try {
            renewed = authority.rotate(services);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage());
        }
        for (CertificateStatus c : renewed) {
            out.println("renewed " + c.service() + ": " + c.file() + ", expires "
                    + OutputFormat.timestamp(c.notAfter()));
        }
        out.println(renewed.isEmpty() ? "No certificate renewed."
                : "Restart the Karst server to use the renewed certificates.");
        return 0;
    }

    private static CertificateAuthority authority(SubcommandArguments parsed, Map<String, String> env)
            throws CommandFailure {
        return ServerPki.open(ServerConfig.resolve(parsed.serverArgs(), env)).certificateAuthority();
    }
}
