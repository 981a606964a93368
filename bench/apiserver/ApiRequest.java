import java.util.List;

/**
 * One request of the load: method, path with query, body (null for none) and its media type, and extra headers
 * (an {@code Authorization} bearer token, for instance).
 */
record ApiRequest(String method, String path, String body, String contentType, List<String[]> headers) {
    static ApiRequest of(String method, String path, String body) {
        return new ApiRequest(method, path, body, body == null ? null : "application/json", List.of());
    }

    static ApiRequest patch(String path, String contentType, String body) {
        return new ApiRequest("PATCH", path, body, contentType, List.of());
    }

    ApiRequest withHeader(String name, String value) {
        List<String[]> more = new java.util.ArrayList<>(headers);
        more.add(new String[] {name, value});
        return new ApiRequest(method, path, body, contentType, more);
    }
}
