package io.karst.apiserver.openapi;

/**
 * One rendered document: its JSON bytes and upstream's ETag for it (the uppercase hex SHA-512 of the bytes,
 * which is also the {@code hash} query parameter of the /openapi/v3 index). Send the ETag quoted.
 */
public record Rendered(byte[] body, String etag) {

  /** The ETag header value: the hash in double quotes. */
  public String etagHeader() {
    return "\"" + etag + "\"";
  }
}
