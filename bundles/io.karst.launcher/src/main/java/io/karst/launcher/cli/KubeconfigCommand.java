package io.karst.launcher.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.karst.api.security.PkiProvider;
import io.karst.launcher.cli.SubcommandArguments.Option;
import io.karst.launcher.config.ResolvedConfig;

/**
 * {@code karst kubeconfig user}: a kubeconfig for a new user, as {@code kubeadm kubeconfig user}: a fresh EC P-256
 * key made here, a client certificate for it from the cluster's client CA (user = CN, groups = O), printed with
 * the server CA as one kubeconfig. Nothing is kept on the server: the user has no rights until RBAC grants some.
 */
public final class KubeconfigCommand extends ActionSubcommand {
    private static final String USAGE = """
            Usage: karst kubeconfig user --client-name NAME [--org GROUP]... [--validity-period 8760h]
                                         [--server URL] [server flags such as --data-dir, --config]

              user   Print a kubeconfig for user NAME in the GROUPs, with a new key and a client certificate
                     from the cluster's client CA; RBAC decides what the user may do
            """;
    public KubeconfigCommand() {
        super("kubeconfig", USAGE);
    }

    @Override
    int runAction(String action, List<String> rest, Map<String, String> env, PrintStream out, PrintStream err)
            throws CommandFailure {
        if (!action.equals("user")) {
            throw new CommandFailure("unknown command \"" + action + "\": expected user");
        }
        SubcommandArguments parsed = SubcommandArguments.parse(rest, List.of(Option.withValue("client-name", ""),
                Option.withValue("org", ""), Option.withValue("validity-period", ""), Option.withValue("server", "")));
        if (parsed.help()) {
            out.print(USAGE);
            return 0;
        }
        parsed.noPositionals();
        String user = parsed.last("client-name").filter(n -> !n.isBlank())
                .orElseThrow(() -> new CommandFailure("missing --client-name: expected the user's name"));
        Duration validity;
        try {
            validity = Durations.parse(parsed.last("validity-period").orElse("8760h"));
        } catch (IllegalArgumentException e) {
            throw new CommandFailure("--validity-period: " + e.getMessage());
        }
        ResolvedConfig config = ServerConfig.resolve(parsed.serverArgs(), env);
        String server = parsed.last("server").orElse("https://127.0.0.1:" + config.integer("https-listen-port"));
        PkiProvider.Pki pki = ServerPki.open(config);
        KeyPair key = newKey();
        String certificate;
        try {
            certificate = pki.certificateAuthority().issueClientCertificate(user, parsed.list("org"),
                    key.getPublic(), validity);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage());
        }
        String privateKey = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        out.print("apiVersion: v1\nkind: Config\nclusters:\n- name: karst\n  cluster:\n    server: " + server
                + "\n    certificate-authority-data: " + base64(pki.certificateAuthority().serverCaBundle())
                + "\nusers:\n- name: " + user + "\n  user:\n    client-certificate-data: " + base64(certificate)
                + "\n    client-key-data: " + base64(privateKey) + "\ncontexts:\n- name: " + user + "@karst\n"
                + "  context:\n    cluster: karst\n    user: " + user + "\ncurrent-context: " + user + "@karst\n");
        return 0;
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    private static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 keys are missing from this JVM", e);
        }
    }
}
