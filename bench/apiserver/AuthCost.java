import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.netty.channel.EventLoopGroup;

/**
 * Issue 7's measure of authentication and authorization per request: the same GETs of ConfigMaps sent as
 * (a) the admin (x509, {@code system:masters}, which authorization lets through before any authorizer),
 * (b) an x509 user that RBAC allows through a RoleBinding, and (c) a service account's bearer token that RBAC
 * allows through the same RoleBinding, each with the server's CPU per request. The differences to (a) are the
 * cost of RBAC, and of a token's verification on top of it.
 */
final class AuthCost {
    static final String NS = "bench-auth";
    static final int OBJECTS = 1000;
    static final int GETS = 30000;

    /** @param readerP12 the x509 user {@code bench-reader}'s certificate and key, signed by the client CA */
    static void run(String base, Path ca, Path readerP12, Identity admin, EventLoopGroup loop, long serverPid)
            throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(admin.jdk()).version(HttpClient.Version.HTTP_2)
                .build();
        ApiLoad.send(client, "POST", base + "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
                + "\"metadata\":{\"name\":\"" + NS + "\"}}");
        String configMaps = "/api/v1/namespaces/" + NS + "/configmaps";
        RequestLoad asAdmin = load(loop, admin, base);
        asAdmin.run(OBJECTS, i -> ApiRequest.of("POST", configMaps, ApiLoad.configMap("cm-" + i)));
        ApiLoad.send(client, "POST", base + "/api/v1/namespaces/" + NS + "/serviceaccounts",
                "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"bench-reader\"}}");
        ApiLoad.send(client, "POST", base + "/apis/rbac.authorization.k8s.io/v1/namespaces/" + NS + "/roles",
                "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\",\"metadata\":{\"name\":"
                + "\"bench-reader\"},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":"
                + "[\"get\",\"list\"]}]}");
        ApiLoad.send(client, "POST", base + "/apis/rbac.authorization.k8s.io/v1/namespaces/" + NS + "/rolebindings",
                "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\",\"metadata\":{\"name\":"
                + "\"bench-reader\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Role\","
                + "\"name\":\"bench-reader\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"bench-reader\"},"
                + "{\"kind\":\"ServiceAccount\",\"name\":\"bench-reader\",\"namespace\":\"" + NS + "\"}]}");
        String tokenAnswer = ApiLoad.send(client, "POST", base + "/api/v1/namespaces/" + NS
                + "/serviceaccounts/bench-reader/token", "{\"apiVersion\":\"authentication.k8s.io/v1\","
                + "\"kind\":\"TokenRequest\",\"spec\":{\"expirationSeconds\":3600}}");
        int at = tokenAnswer.indexOf("\"token\":\"");
        String token = tokenAnswer.substring(at + 9, tokenAnswer.indexOf('"', at + 9));

        RequestLoad asUser = load(loop, Identity.fromPkcs12(ca, readerP12), base);
        RequestLoad asToken = load(loop, Identity.fromPkcs12(ca, null), base);
        List<String> names = List.of("admin (x509, system:masters)", "x509 user, RBAC RoleBinding",
                "service-account token, RBAC RoleBinding");
        List<RequestLoad> loads = List.of(asAdmin, asUser, asToken);
        List<java.util.function.IntFunction<ApiRequest>> gets = List.of(
                i -> ApiRequest.of("GET", configMaps + "/cm-" + (i % OBJECTS), null),
                i -> ApiRequest.of("GET", configMaps + "/cm-" + (i % OBJECTS), null),
                i -> ApiRequest.of("GET", configMaps + "/cm-" + (i % OBJECTS), null)
                        .withHeader("authorization", "Bearer " + token));
        // the binding is read from an informer: wait until it is in force, and warm every path up
        for (int k = 0; k < loads.size(); k++) {
            loads.get(k).run(5000, gets.get(k));
        }
        List<Double> perRequest = new ArrayList<>();
        for (int k = 0; k < loads.size(); k++) {
            CpuMeter cpu = new CpuMeter(serverPid);
            loads.get(k).run(GETS, gets.get(k));
            perRequest.add((double) cpu.serverMillis() / GETS);
            System.out.printf("auth: gets/s %.0f as %s; %s%n", GETS / cpu.seconds(), names.get(k),
                    cpu.perRequest(GETS));
        }
        System.out.printf("auth: authn+authz overhead per GET over the admin's: x509 + RBAC %.3f ms, token + RBAC "
                + "%.3f ms (server CPU)%n", perRequest.get(1) - perRequest.get(0),
                perRequest.get(2) - perRequest.get(0));
    }

    private static RequestLoad load(EventLoopGroup loop, Identity identity, String base) throws Exception {
        List<H2Connection> connections = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            connections.add(H2Connection.open(loop, identity.netty(), URI.create(base)));
        }
        return new H2Requests(connections, ApiLoad.CONCURRENCY);
    }
}
