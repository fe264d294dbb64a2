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
    };
  }

  static ApiException toException(GrantRefused r, boolean basic) {
    return new ApiException(toError(r, basic));
  }
}
