import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Pod start latency on one node: watches the namespace's pods, creates N pods of an image already on the node,
 * one every INTERVAL ms (0: as fast as the API takes them, a burst), and reports for each the time from its create
 * request to the first watch event that shows it Running, as p50/p99/max.
 * Usage: java PodStart.java URL CA P12 NAMESPACE N IMAGE INTERVAL PREFIX
 */
public class PodStart {
    private static final Pattern NAME = Pattern.compile("\"name\":\"([a-z]+-\\d+)\"");
    private static final Pattern PHASE = Pattern.compile("\"phase\":\"(\\w+)\"");

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String namespace = args[3];
        int count = Integer.parseInt(args[4]);
        String image = args[5];
        long interval = Long.parseLong(args[6]);
        String prefix = args[7];
        HttpClient client = HttpClient.newBuilder().sslContext(tls(args[1], args[2]))
                .version(HttpClient.Version.HTTP_1_1).build();
        Map<String, Long> created = new ConcurrentHashMap<>();
        Map<String, Long> running = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(count);
        HttpResponse<java.io.InputStream> watch = client.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/namespaces/"
                + namespace + "/pods?watch=true&allowWatchBookmarks=false")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    long now = System.nanoTime();
                    Matcher name = NAME.matcher(line);
                    Matcher phase = PHASE.matcher(line);
                    if (name.find() && name.group(1).startsWith(prefix + "-") && phase.find()
                            && phase.group(1).equals("Running")
                            && running.putIfAbsent(name.group(1), now) == null) {
                        all.countDown();
                    }
                }
            } catch (Exception e) {
                // the watch ends when the program does
            }
        });
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(500);
        for (int i = 0; i < count; i++) {
            String name = prefix + "-" + i;
            if (i > 0 && interval > 0) {
                Thread.sleep(interval);
            }
            String pod = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},"
                    + "\"spec\":{\"terminationGracePeriodSeconds\":1,\"containers\":[{\"name\":\"c\",\"image\":\""
                    + image + "\",\"imagePullPolicy\":\"IfNotPresent\",\"command\":[\"sleep\",\"3600\"]}]}}";
            created.put(name, System.nanoTime());
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/namespaces/"
                    + namespace + "/pods")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(pod)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("create " + name + ": " + r.statusCode() + " " + r.body());
            }
        }
        if (!all.await(10, TimeUnit.MINUTES)) {
            System.out.println("only " + running.size() + " of " + count + " pods Running after 10 minutes");
        }
        List<Double> millis = new ArrayList<>();
        running.forEach((name, at) -> millis.add((at - created.get(name)) / 1e6));
        Collections.sort(millis);
        String mode = interval > 0 ? "one every " + interval + " ms" : "burst";
        System.out.printf("%s: pods Running %d of %d; create -> Running p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", mode,
                millis.size(), count, pct(millis, 50), pct(millis, 99), millis.get(millis.size() - 1));
        System.exit(0);
    }

    static double pct(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static SSLContext tls(String ca, String p12) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (FileInputStream in = new FileInputStream(ca)) {
            trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(p12)) {
            keys.load(in, "bench".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "bench".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
