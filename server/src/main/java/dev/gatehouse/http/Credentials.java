package dev.gatehouse.http;

import java.util.Base64;

/** Reading credentials from {@code Authorization}, shared by Sentinel, introspection and the admin API. */
final class Credentials {
  private Credentials() {}

  /**
   * {@code [client_id, client_secret]} from {@code Authorization: Basic} (RFC 6749 §2.3.1: each part
   * form-urlencoded, then base64), or null when the header does not use Basic.
   *
   * @throws ApiException {@code invalid_client} with a Basic challenge when the credentials are malformed
   */
  static String[] basic(String header) {
    if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded = Requests.strictUtf8(Base64.getDecoder().decode(header.substring(6).trim()), "Authorization: Basic credentials");
    } catch (IllegalArgumentException e) {
      throw new ApiException(ApiError.invalidClient("Authorization: Basic credentials are not base64", true));
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new ApiException(ApiError.invalidClient("Authorization: Basic credentials have no ':' between client_id and client_secret", true));
    }
    return new String[] {FormParams.decode(decoded.substring(0, colon)), FormParams.decode(decoded.substring(colon + 1))};
  }

  /** The token after {@code Bearer } (any case), or null when the header is not a Bearer one. */
  static String bearer(String header) {
    return dev.gatehouse.verifier.BearerToken.from(header, false);
  }
}
