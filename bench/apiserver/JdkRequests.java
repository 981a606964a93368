import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Requests through the JDK's HttpClient (async, a fixed number in flight, no thread per request): the HTTP/1.1
 * load, where every request in flight holds a connection of its own, as a client without HTTP/2 does.
 */
final class JdkRequests implements RequestLoad {
    private final HttpClient client;
    private final String base;
    private final int inFlight;

    JdkRequests(HttpClient client, String base, int inFlight) {
        this.client = client;
        this.base = base;
        this.inFlight = inFlight;
    }

    @Override
    public void run(int count, IntFunction<ApiRequest> requests) throws Exception {
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong failures = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            permits.acquire();
            ApiRequest r = requests.apply(i);
            client.sendAsync(request(r), HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                boolean conflict = response != null && response.statusCode() == 409 && r.method().equals("POST");
                if (error != null || (response.statusCode() >= 300 && !conflict)) {
                    if (failures.incrementAndGet() < 5) {
                        System.err.println("request failed: " + r.method() + " " + r.path() + " -> "
                                + (error != null ? error : response.statusCode() + " " + response.body()));
                    }
                }
                permits.release();
                finished.countDown();
            });
        }
        finished.await();
        if (failures.get() > 0) {
            System.err.println(failures.get() + " requests failed");
        }
    }

    private HttpRequest request(ApiRequest r) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + r.path())).timeout(Duration.ofSeconds(60));
        if (r.body() != null) {
            b.header("Content-Type", r.contentType());
        }
        for (String[] h : r.headers()) {
            b.header(h[0], h[1]);
        }
        return b.method(r.method(), r.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(r.body())).build();
    }
}
