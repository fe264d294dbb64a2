package dev.gatehouse.tokens;

import static dev.gatehouse.tokens.TokenRejectedException.Reason.INSUFFICIENT_SCOPE;
import static dev.gatehouse.tokens.TokenRejectedException.Reason.INVALID_TOKEN;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.keys.SigningKeys;
import dev.gatehouse.verifier.AppToken;
import dev.gatehouse.verifier.ConnectorRequestVerifier;
import java.time.Clock;

/**
 * Verifies AppJWTs presented to the IDP, with the same code and rules as the gateway, introspection
 * and the {@code gatehouse-verifier} library: {@link ConnectorRequestVerifier#verifyAppJwt} (strict
 * compact JWS, {@code alg} from the key, a published AppJWT key, our {@code iss}, unexpired, {@code
 * aud} and {@code azp} present). On top, for the IDP: {@code azp} must be a client_id, {@code aud}
 * the account of the request, and the scope must hold the needed one. Whether the app is still
 * enabled is the caller's question ({@link CallerStanding}).
 *
 * <p>A connector sends the same AppJWT for an hour, so verdicts are cached per token; a cached
 * verdict is re-checked on every use for expiry and for its key still being published.
 *
 * <p>Thread-safe.
 */
public final class AppTokenVerifier {
  private final ConnectorRequestVerifier library;
  private final SigningKeys keys;
  private final Clock clock;
  private final Cache<String, VerifiedAppToken> verified;

  /**
   * @param library the issuer-side verifier (no clock skew: we made the token, on this clock)
   * @param cacheSize AppJWTs remembered; 0 turns the cache off
   */
  public AppTokenVerifier(ConnectorRequestVerifier library, SigningKeys keys, Clock clock, long cacheSize) {
    this.library = library;
    this.keys = keys;
    this.clock = clock;
    this.verified = Caffeine.newBuilder().maximumSize(cacheSize).recordStats().build();
  }

  /**
   * @param token the AppJWT, already taken from its header ({@link dev.gatehouse.verifier.BearerToken})
   * @throws TokenRejectedException naming what is wrong
   */
  public VerifiedAppToken verify(String token, AccountId account, String requiredScope) {
    if (token == null || token.isEmpty()) {
      throw new TokenRejectedException(INVALID_TOKEN, "Authorization header is missing: send the AppJWT from Sentinel");
    }
    long now = clock.instant().getEpochSecond();
    VerifiedAppToken v = verified.getIfPresent(token);
    if (v != null && keys.rings().app().published(v.kid()).isEmpty()) {
      verified.invalidate(token);
      throw new TokenRejectedException(INVALID_TOKEN, "AppJWT kid '" + v.kid() + "' is no longer a key of this issuer");
    }
    if (v == null) {
      v = verifySignatureAndClaims(token);
      verified.put(token, v);
    }
    if (now > v.expiresAtEpochSecond()) {
      throw new TokenRejectedException(INVALID_TOKEN, "AppJWT expired " + (now - v.expiresAtEpochSecond()) + " s ago; get a new one from Sentinel");
    }
    if (!account.value().equals(v.audience())) {
      throw new TokenRejectedException(INSUFFICIENT_SCOPE, "AppJWT aud is not account " + account + " of the request path");
    }
    if (!v.hasScope(requiredScope)) {
      throw new TokenRejectedException(INSUFFICIENT_SCOPE, "AppJWT scope does not include " + requiredScope);
    }
    return v;
  }

  private VerifiedAppToken verifySignatureAndClaims(String token) {
    AppToken a;
    try {
      a = library.verifyAppJwt(token);
    } catch (dev.gatehouse.verifier.TokenRejectedException e) {
      throw new TokenRejectedException(INVALID_TOKEN, e.rejection().details());
    }
    ClientId clientId = ClientId.parseOrNull(a.clientId());
    if (clientId == null) {
      throw new TokenRejectedException(INVALID_TOKEN, "AppJWT azp is not a client_id");
    }
    return new VerifiedAppToken(a.account(), clientId, a.scopes(), a.issuedAt(), a.expiresAt(), a.kid());
  }

  /** The cache, for metrics. */
  public Cache<?, ?> cache() {
    return verified;
  }
}
