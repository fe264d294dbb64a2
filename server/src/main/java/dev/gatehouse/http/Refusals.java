package dev.gatehouse.http;

import dev.gatehouse.issuance.ConsumerTokenGrant;
import dev.gatehouse.issuance.GrantRefused;

/** The one place a refused grant becomes an HTTP error (RFC 6749 §5.2, RFC 6750 §3.1). */
final class Refusals {
  private Refusals() {}

  /** @param basic whether the client authenticated with HTTP Basic (an {@code invalid_client} then carries a Basic challenge) */
  static ApiError toError(GrantRefused r, boolean basic) {
    return switch (r.reason()) {
      case INVALID_CLIENT -> ApiError.invalidClient(r.description(), basic);
      case INVALID_SCOPE -> ApiError.of(400, "invalid_scope", r.description());
      case INVALID_TOKEN -> ApiError.invalidToken(r.description());
      case INSUFFICIENT_SCOPE -> ApiError.insufficientScope(r.description(), ConsumerTokenGrant.SCOPE);
      case ACCESS_DENIED -> ApiError.of(403, "access_denied", r.description());
      case INVALID_REQUEST -> ApiError.invalidRequest(r.description());
      case TEMPORARILY_UNAVAILABLE -> new ApiError(503, "temporarily_unavailable", r.description(), java.util.Map.of("Retry-After", "30"));
      case TOO_MANY_ATTEMPTS -> tooMany(r.description(), r.retryAfter());
    };
  }

  /** 429 with {@code Retry-After} in whole seconds, the body shaped as RFC 6749 §5.2. */
  static ApiError tooMany(String description, java.time.Duration retryAfter) {
    long s = retryAfter == null ? 60 : Math.max(1, retryAfter.toSeconds());
    return new ApiError(429, "temporarily_unavailable", description, java.util.Map.of("Retry-After", Long.toString(s)));
  }

  static ApiException toException(GrantRefused r, boolean basic) {
    return new ApiException(toError(r, basic));
  }
}
