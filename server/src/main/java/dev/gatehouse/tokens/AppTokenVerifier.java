package dev.gatehouse.tokens;

import static dev.gatehouse.tokens.TokenRejectedException.Reason.INSUFFICIENT_SCOPE;
import static dev.gatehouse.tokens.TokenRejectedException.Reason.INVALID_TOKEN;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.keys.SigningKey;
import dev.gatehouse.keys.SigningKeys;
import java.text.ParseException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Verifies AppJWTs presented to the IDP: compact JWS, {@code alg} RS256 only, a {@code kid} of a
 * published app-token key, a good signature, our {@code iss}, unexpired, {@code aud} equal to the
 * account of the request and a {@code scope} holding the needed scope. Whether the app is still
 * enabled is the caller's question (it needs the app directory).
 *
 * <p>A connector sends the same AppJWT for an hour, so verdicts are cached per token: a token seen
 * before costs a lookup, not an RSA verification. A cached verdict is re-checked on every use for
 * expiry and for its key still being published, so it is never staler than the token itself.
 *
 * <p>Thread-safe.
 */
public final class AppTokenVerifier {
  private final SigningKeys keys;
  private final String issuer;
  private final Clock clock;
  private final Cache<String, VerifiedAppToken> verified;

  /** @param cacheSize AppJWTs remembered; 0 turns the cache off */
  public AppTokenVerifier(SigningKeys keys, String issuer, Clock clock, long cacheSize) {
    this.keys = keys;
    this.issuer = issuer;
    this.clock = clock;
    this.verified = Caffeine.newBuilder().maximumSize(cacheSize).recordStats().build();
  }

  /**
   * @param token the AppJWT, already stripped of any {@code Bearer } prefix
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
    if (now >= v.expiresAtEpochSecond()) {
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
    if (!looksCompact(token)) {
      throw new TokenRejectedException(INVALID_TOKEN, "AppJWT in the Authorization header is not a JWS (three base64url parts separated by dots)");
    }
    JWSObject jws;
    try {
      jws = JWSObject.parse(token);
    } catch (ParseException e) {
      throw new TokenRejectedException(INVALID_TOKEN, "AppJWT in the Authorization header cannot be parsed: " + e.getMessage());
    }
    JWSAlgorithm alg = jws.getHeader().getAlgorithm();
    if (!JWSAlgorithm.RS256.equals(alg) && !JWSAlgorithm.ES256.equals(alg)) {
      throw new TokenRejectedException(INVALID_TOKEN, "AppJWT alg " + alg + " is not accepted; only RS256");
    }
    String kid = jws.getHeader().getKeyID();
    if (kid == null) {
      throw new TokenRejectedException(INVALID_TOKEN, "AppJWT header has no kid");
    }
    SigningKey key = keys.rings().app().published(kid).orElseThrow(
        () -> new TokenRejectedException(INVALID_TOKEN, "AppJWT kid '" + printable(kid) + "' is not a key of this issuer"));
    if (!key.algorithm().jws().equals(alg)) {
      throw new TokenRejectedException(INVALID_TOKEN, "AppJWT alg " + alg + " is not the alg of key " + kid);
    }
    if (!key.verifies(jws)) {
      throw new TokenRejectedException(INVALID_TOKEN, "AppJWT signature does not verify");
    }
    Map<String, Object> claims = jws.getPayload().toJSONObject();
    if (claims == null) {
      throw new TokenRejectedException(INVALID_TOKEN, "AppJWT payload is not a JSON object");
    }
    if (!issuer.equals(claims.get("iss"))) {
      throw new TokenRejectedException(INVALID_TOKEN, "AppJWT iss is not '" + issuer + "'");
    }
    if (!(claims.get("exp") instanceof Number exp)) {
      throw new TokenRejectedException(INVALID_TOKEN, "AppJWT has no exp claim");
    }
    ClientId clientId = claims.get("azp") instanceof String azp ? ClientId.parseOrNull(azp) : null;
    if (clientId == null) {
      throw new TokenRejectedException(INVALID_TOKEN, "AppJWT azp is not a client_id");
    }
    String aud = claims.get("aud") instanceof String a ? a : null;
    List<String> scopes = claims.get("scope") instanceof String s ? Arrays.asList(s.split(" ")) : List.of();
    return new VerifiedAppToken(aud, clientId, scopes, exp.longValue(), kid);
  }

  /** Three non-empty base64url parts (the signature may not be empty for RS256). */
  static boolean looksCompact(String t) {
    int dots = 0;
    int partLen = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '.') {
        if (partLen == 0) {
          return false;
        }
        dots++;
        partLen = 0;
      } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        partLen++;
      } else {
        return false;
      }
    }
    return dots == 2 && partLen > 0;
  }

  private static String printable(String s) {
    String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return t.replaceAll("[^\\x20-\\x7E]", "?");
  }

  /** The cache, for metrics. */
  public Cache<?, ?> cache() {
    return verified;
  }
}
