import java.util.function.IntFunction;

/** Sends a number of requests with a fixed number in flight and waits for every answer. */
interface RequestLoad {
    /** Failures (other than a create's 409) are printed, not thrown: a benchmark reports, it does not assert. */
    void run(int count, IntFunction<ApiRequest> requests) throws Exception;
}
