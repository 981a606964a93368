package io.karst.apiserver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.karst.api.health.HealthCheck;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code /livez}, {@code /readyz}, {@code /healthz} and their per-check paths, answering as kube-apiserver does:
 * {@code ok}, the {@code ?verbose} listing, {@code ?exclude=}, and on failure a 500 whose body lists the checks
 * with the failing reasons withheld.
 */
final class HealthEndpoint {
    private final HealthRegistry registry;

    HealthEndpoint(HealthRegistry registry) {
        this.registry = registry;
    }

    static boolean handles(String path) {
        String root = rootOf(path);
        return root.equals("livez") || root.equals("readyz") || root.equals("healthz");
    }

    private static String rootOf(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        int slash = p.indexOf('/');
        return slash < 0 ? p : p.substring(0, slash);
    }

    FullHttpResponse answer(String path, Map<String, List<String>> query) {
        String endpoint = rootOf(path);
        String rest = path.substring(endpoint.length() + 1);
        List<HealthRegistry.Entry> checks = registry.checksFor(endpoint);
        if (rest.isEmpty() || rest.equals("/")) {
            return overall(endpoint, checks, query);
        }
        String name = rest.substring(1);
        for (HealthRegistry.Entry e : checks) {
            if (e.name().equals(name)) {
                HealthCheck.Result r = run(e);
                return r.healthy() ? StatusResponses.text(HttpResponseStatus.OK, "ok")
                        : StatusResponses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                                "internal server error: " + r.reason() + "\n");
            }
        }
        return StatusResponses.text(HttpResponseStatus.NOT_FOUND, "404 page not found\n");
    }

    private FullHttpResponse overall(String endpoint, List<HealthRegistry.Entry> checks,
            Map<String, List<String>> query) {
        Set<String> excluded = new TreeSet<>();
        for (String value : query.getOrDefault("exclude", List.of())) {
            for (String n : value.split(",")) {
                if (!n.isBlank()) {
                    excluded.add(n.trim());
                }
            }
        }
        StringBuilder listing = new StringBuilder();
        List<String> failed = new ArrayList<>();
        Set<String> unmatched = new TreeSet<>(excluded);
        for (HealthRegistry.Entry e : checks) {
            if (excluded.contains(e.name())) {
                unmatched.remove(e.name());
                listing.append("[+]").append(e.name()).append(" excluded: ok\n");
                continue;
            }
            HealthCheck.Result r = run(e);
            if (r.healthy()) {
                listing.append("[+]").append(e.name()).append(" ok\n");
            } else {
                failed.add(e.name());
                listing.append("[-]").append(e.name()).append(" failed: reason withheld\n");
            }
        }
        if (!unmatched.isEmpty()) {
            listing.append("warn: some health checks cannot be excluded: no matches for ")
                    .append(String.join(",", unmatched)).append('\n');
        }
        if (!failed.isEmpty()) {
            return StatusResponses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    listing + endpoint + " check failed\n");
        }
        if (!query.containsKey("verbose")) {
            return StatusResponses.text(HttpResponseStatus.OK, "ok");
        }
        return StatusResponses.text(HttpResponseStatus.OK, listing + endpoint + " check passed\n");
    }

    private static HealthCheck.Result run(HealthRegistry.Entry e) {
        try {
            HealthCheck.Result r = e.check().check();
            return r == null ? HealthCheck.Result.failed("check returned nothing") : r;
        } catch (RuntimeException ex) {
            return HealthCheck.Result.failed(String.valueOf(ex.getMessage()));
        }
    }
}
