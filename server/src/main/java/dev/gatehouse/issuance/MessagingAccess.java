package dev.gatehouse.issuance;

import dev.gatehouse.verifier.ConnectorRequestVerifier;
import dev.gatehouse.verifier.ErrorCode;
import dev.gatehouse.verifier.Identity;
import dev.gatehouse.verifier.Rejection;
import dev.gatehouse.verifier.Verification;
import java.util.List;
import java.util.function.Function;

/**
 * Who may make a Connector API messaging request (CONVERSATION, SEND): both tokens verified for
 * the account of the request's path (the verifier's rules: signatures, issuer, expiry, scope,
 * audience, the two headers each given once), then the caller's standing (the app still enabled and
 * its AppJWT not revoked, the consumer not revoked, this node's view fresh). Written once here and
 * asked by the gateway check ({@code /gateway/authorize}) and the Send API sandbox alike.
 *
 * <p>Thread-safe; reads memory only, so it may run on an event loop.
 */
public final class MessagingAccess {
  private final ConnectorRequestVerifier verifier;
  private final CallerStanding standing;

  public MessagingAccess(ConnectorRequestVerifier verifier, CallerStanding standing) {
    this.verifier = verifier;
    this.standing = standing;
  }

  /**
   * @param rawPath the request path as sent (not normalized: dot segments are refused, not resolved), or null when unknown
   * @param headers every value of a request header, by name (case-insensitive)
   * @return the caller's {@link Identity}, or the {@link Rejection} with its Send API error code
   * @throws CallerStanding.StaleViewException when this node's view is too old to decide on
   */
  public Verification check(String rawPath, Function<String, List<String>> headers) {
    standing.requireFresh();
    Verification v = verifier.verifyHeaders(ConnectorRequestVerifier.accountFromPath(rawPath), headers);
    if (v instanceof Identity id) {
      String problem = standing.appProblem(id.clientId(), id.accountId(), id.appTokenIssuedAt());
      if (problem != null) {
        return new Rejection(ErrorCode.INVALID_APP_JWT, problem);
      }
      if ((problem = standing.consumerProblem(id.accountId(), id.lpConsumerId())) != null) {
        return new Rejection(ErrorCode.INVALID_CONSUMER_JWS, problem);
      }
    }
    return v;
  }
}
