package dev.gatehouse.http;

import java.util.Map;

/**
 * An error as a value: HTTP status, the error code (RFC 6749 §5.2 / RFC 6750 §3.1 vocabulary), a
 * description that names the field at fault and never holds a secret, and extra headers. Turned
 * into a response in one place, {@link Responses#error}.
 */
public record ApiError(int status, String error, String description, Map<String, String> headers) {
  public static ApiError of(int status, String error, String description) {
    return new ApiError(status, error, description, Map.of());
  }

  public static ApiError invalidRequest(String description) {
    return of(400, "invalid_request", description);
  }

  /** RFC 6749 §5.2; with a {@code WWW-Authenticate} challenge when the client used HTTP Basic. */
  public static ApiError invalidClient(String description, boolean basic) {
    return basic
        ? new ApiError(401, "invalid_client", description, Map.of("WWW-Authenticate", "Basic realm=\"sentinel\", charset=\"UTF-8\""))
        : of(401, "invalid_client", description);
  }

  /** RFC 6750 §3: 401 with a Bearer challenge. */
  public static ApiError invalidToken(String description) {
    return new ApiError(401, "invalid_token", description,
        Map.of("WWW-Authenticate", "Bearer realm=\"idp\", error=\"invalid_token\", error_description=\"" + quoted(description) + "\""));
  }

  /** RFC 6750 §3: 403 with a Bearer challenge naming the scope needed. */
  public static ApiError insufficientScope(String description, String scope) {
    return new ApiError(403, "insufficient_scope", description,
        Map.of("WWW-Authenticate", "Bearer realm=\"idp\", error=\"insufficient_scope\", scope=\"" + scope + "\", error_description=\"" + quoted(description) + "\""));
  }

  public static ApiError notFound(String description) {
    return of(404, "not_found", description);
  }

  private static String quoted(String s) {
    return s.replace("\\", "").replace("\"", "'").replaceAll("[^\\x20-\\x7E]", "?");
  }
}
