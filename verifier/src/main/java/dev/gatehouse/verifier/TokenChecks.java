package dev.gatehouse.verifier;

import static dev.gatehouse.verifier.ErrorCode.INVALID_APP_JWT;
import static dev.gatehouse.verifier.ErrorCode.INVALID_CONSUMER_JWS;
import static dev.gatehouse.verifier.ErrorCode.MISSING_PARAMETER;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token rules of {@link ConnectorRequestVerifier}, one method per token kind, and the signature
 * check they share. Design note: every rule that can refuse throws {@link Refused} (a cheap,
 * stackless exception that never leaves this package) carrying the Send API error code, so the
 * rules read top to bottom in the order a client can act on them; the public verifier turns it into
 * a {@link Rejection}. Verdicts are cached per token: an AppJWT until it expires, a ConsumerJWS while
 * its key is published; every hit re-checks both, so a cached verdict is never staler than the token.
 * Signature checking: the key decides the algorithm (an RSA key verifies RS256 only, a P-256 key
 * ES256 only); RS256 uses a per-thread, per-key initialised {@code Signature}.
 *
 * <p>Thread-safe.
 */
final class TokenChecks {
  /** Thrown inside to leave verification early; never escapes. */
  static final class Refused extends Exception {
    final Rejection rejection;

    Refused(ErrorCode code, String details) {
      super(details, null, false, false);
      this.rejection = new Rejection(code, details);
    }
  }

  private final VerificationKeys keys;
  private final String issuer;
  private final long skewSeconds;
  private final Clock clock;
  private final TokenCache<AppToken> appCache;
  private final TokenCache<ConsumerToken> consumerCache;
  private final Map<PublicKey, JWSVerifier> verifiers = new ConcurrentHashMap<>();

  TokenChecks(VerificationKeys keys, String issuer, long skewSeconds, Clock clock, int cacheSize, long cacheMemory) {
    this.keys = keys;
    this.issuer = issuer;
    this.skewSeconds = skewSeconds;
    this.clock = clock;
    this.appCache = new TokenCache<>(cacheSize, cacheMemory / 2);
    this.consumerCache = new TokenCache<>(cacheSize, cacheMemory / 2);
  }

  AppToken appClaims(String token) throws Refused {
    long now = clock.instant().getEpochSecond();
    AppToken cached = appCache.get(token);
    if (cached != null) {
      if (now > cached.expiresAt() + skewSeconds || !keys.isPublished(cached.kid())) {
        appCache.remove(token);
        throw new Refused(INVALID_APP_JWT, now > cached.expiresAt() + skewSeconds ? "AppJWT expired" : "AppJWT signing key was retired");
      }
      return cached;
    }
    CompactJws jws = parse(token, INVALID_APP_JWT, "AppJWT");
    String kid = jws.kid;
    PublicKey key = kid == null ? null : keys.appKey(kid);
    if (key == null) {
      throw new Refused(INVALID_APP_JWT, "AppJWT kid is not a key of the issuer");
    }
    checkSignature(jws, key, INVALID_APP_JWT, "AppJWT");
    Map<String, Object> claims = jws.claims;
    if (!claims.containsKey("iss") && !claims.containsKey("exp")) { // e.g. a ConsumerJWS in the wrong header
      throw new Refused(INVALID_APP_JWT, "token in Authorization is not an AppJWT");
    }
    if (!(claims.get("exp") instanceof Number exp)) {
      throw new Refused(MISSING_PARAMETER, "AppJWT has no exp claim");
    }
    if (now > exp.longValue() + skewSeconds) {
      throw new Refused(INVALID_APP_JWT, "AppJWT expired");
    }
    if (!issuer.equals(claims.get("iss"))) {
      throw new Refused(MISSING_PARAMETER, "AppJWT iss is missing or not " + issuer);
    }
    if (!(claims.get("aud") instanceof String aud) || aud.isEmpty()) {
      throw new Refused(MISSING_PARAMETER, "AppJWT has no aud (account) claim");
    }
    if (!(claims.get("azp") instanceof String azp) || azp.isEmpty()) {
      throw new Refused(MISSING_PARAMETER, "AppJWT has no azp (client id) claim");
    }
    List<String> scopes = claims.get("scope") instanceof String s ? Arrays.asList(s.split(" ")) : List.of();
    long iat = claims.get("iat") instanceof Number n ? n.longValue() : 0;
    AppToken a = new AppToken(aud, azp, scopes, iat, exp.longValue(), kid);
    appCache.put(token, a);
    return a;
  }

  ConsumerToken consumerClaims(String token) throws Refused {
    ConsumerToken cached = consumerCache.get(token);
    if (cached != null) {
      if (!keys.isPublished(cached.kid())) {
        consumerCache.remove(token);
        throw new Refused(INVALID_CONSUMER_JWS, "ConsumerJWS signing key was retired");
      }
      return cached;
    }
    CompactJws jws = parse(token, INVALID_CONSUMER_JWS, "ConsumerJWS");
    String kid = jws.kid;
    PublicKey key = kid == null ? null : keys.consumerKey(kid);
    if (key == null) {
      throw new Refused(INVALID_CONSUMER_JWS, "ConsumerJWS kid is not a key of the issuer");
    }
    checkSignature(jws, key, INVALID_CONSUMER_JWS, "ConsumerJWS");
    Map<String, Object> claims = jws.claims;
    if (!(claims.get("account_id") instanceof String account)
        || !(claims.get("lp_consumer_id") instanceof String lp)
        || !(claims.get("ext_consumer_id") instanceof String ext)) {
      throw new Refused(INVALID_CONSUMER_JWS, "ConsumerJWS lacks account_id, ext_consumer_id or lp_consumer_id");
    }
    ConsumerToken c = new ConsumerToken(account, lp, ext, kid);
    consumerCache.put(token, c);
    return c;
  }

  private static CompactJws parse(String token, ErrorCode code, String what) throws Refused {
    CompactJws jws;
    try {
      jws = CompactJws.parse(token);
    } catch (IllegalArgumentException e) {
      throw new Refused(code, what + " is not a JWS in compact form (three base64url parts separated by dots, each header and"
          + " payload one JSON object): " + e.getMessage());
    }
    if (!"RS256".equals(jws.alg) && !"ES256".equals(jws.alg)) {
      throw new Refused(code, what + " alg " + printable(jws.alg) + " is not accepted; only RS256");
    }
    return jws;
  }

  /** The estimated heap of the cached verdicts, both kinds. */
  long cachedBytes() {
    return appCache.bytes() + consumerCache.bytes();
  }

  /** How many tokens have a cached verdict, both kinds. */
  int cachedTokens() {
    return appCache.size() + consumerCache.size();
  }

  private static String printable(String s) {
    if (s == null) {
      return "(none)";
    }
    String t = s.length() > 20 ? s.substring(0, 20) + "..." : s;
    return t.replaceAll("[^\\x20-\\x7E]", "?");
  }

  private void checkSignature(CompactJws jws, PublicKey key, ErrorCode code, String what) throws Refused {
    // the key decides the algorithm: an RSA key verifies RS256 only, a P-256 key ES256 only
    String expected = key instanceof ECPublicKey ? "ES256" : "RS256";
    if (!expected.equals(jws.alg)) {
      throw new Refused(code, what + " alg " + jws.alg + " does not match its key");
    }
    boolean ok;
    try {
      ok = key instanceof RSAPublicKey rsa
          ? verifyRs256(jws, rsa)
          : JWSObject.parse(jws.token).verify(verifiers.computeIfAbsent(key, TokenChecks::verifierFor));
    } catch (JOSEException | ParseException | RuntimeException | java.security.GeneralSecurityException e) {
      ok = false;
    }
    if (!ok) {
      throw new Refused(code, what + " signature does not verify");
    }
  }

  /**
   * RS256 (RFC 7518 §3.3) with a {@code Signature} kept per thread and key, initialised once (JCA
   * resets it after each {@code verify}): a provider lookup and key initialisation per token cost
   * a good part of a fast native provider's RSA work.
   */
  private static boolean verifyRs256(CompactJws jws, RSAPublicKey key) throws java.security.GeneralSecurityException {
    java.util.Map<PublicKey, java.security.Signature> mine = RS256.get();
    java.security.Signature s = mine.get(key);
    if (s == null) {
      if (mine.size() > 16) {
        mine.clear();
      }
      s = java.security.Signature.getInstance("SHA256withRSA");
      s.initVerify(key);
      mine.put(key, s);
    }
    s.update(jws.signingInput);
    try {
      return s.verify(jws.signature);
    } catch (java.security.SignatureException e) {
      mine.remove(key); // its state is unknown now
      return false;
    }
  }

  private static final ThreadLocal<java.util.Map<PublicKey, java.security.Signature>> RS256 =
      ThreadLocal.withInitial(java.util.HashMap::new);

  private static JWSVerifier verifierFor(PublicKey key) {
    try {
      if (key instanceof RSAPublicKey rsa) {
        return new RSASSAVerifier(rsa);
      }
      if (key instanceof ECPublicKey ec) {
        return new ECDSAVerifier(ec);
      }
    } catch (JOSEException e) {
      return null;
    }
    return null;
  }

}
