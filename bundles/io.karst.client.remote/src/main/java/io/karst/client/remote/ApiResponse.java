package io.karst.client.remote;

import java.net.URI;

/**
 * An API server's answer: its HTTP status and its body (empty for a watch's 200, whose body is read as it comes).
 *
 * @param uri the request's URL
 */
record ApiResponse(URI uri, int status, byte[] body) {
}
