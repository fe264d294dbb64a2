package dev.gatehouse.verifier;

import static dev.gatehouse.verifier.ErrorCode.APP_JWT_MISSING;
import static dev.gatehouse.verifier.ErrorCode.CONSUMER_JWS_MISSING;
import static dev.gatehouse.verifier.ErrorCode.INVALID_APP_JWT;
import static dev.gatehouse.verifier.ErrorCode.INVALID_CONSUMER_JWS;
import static dev.gatehouse.verifier.ErrorCode.MISSING_PARAMETER;

import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Decides, offline, who calls a Connector API messaging endpoint on behalf of whom: verifies the
 * AppJWT ({@code Authorization}) and the ConsumerJWS ({@code X-LP-ON-BEHALF} or {@code
 * LP-On-Behalf}) of one request against the issuer's public keys.
 *
 * <p>Rules, in order, each failure a {@link Rejection} with the Send API's error code:
 *
 * <ol>
 *   <li>no account in the request: 40001; no {@code Authorization}: 40105; no ConsumerJWS header: 40104;
 *   <li>AppJWT not a compact JWS, {@code alg} not RS256 (or ES256 with a P-256 key), unknown {@code kid}, bad signature, or
 *       expired (beyond the clock skew, default 30 s): 40102;
 *   <li>AppJWT {@code iss} not the expected issuer, {@code aud} not the request's account, no
 *       {@code azp}, or {@code scope} without the required scope: 40001;
 *   <li>ConsumerJWS not a JWS, {@code alg} not RS256, unknown {@code kid}, bad signature, claims
 *       missing, or {@code account_id} not the AppJWT's {@code aud}: 40103.
 * </ol>
 *
 * Both headers may carry a {@code Bearer } prefix. Verdicts are cached per token (an AppJWT until
 * it expires, a ConsumerJWS while its key is published), so a pair seen before needs no RSA work.
 *
 * <p>Thread-safe; build one and share it.
 */
public final class ConnectorRequestVerifier {
  /** Header names that carry the ConsumerJWS, tried in this order. */
  public static final List<String> ON_BEHALF_HEADERS = List.of("X-LP-ON-BEHALF", "LP-On-Behalf");

  private final String requiredScope;
  private final TokenChecks checks;
  private final VerificationKeys keys;

  private ConnectorRequestVerifier(Builder b) {
    this.keys = b.keys;
    this.requiredScope = b.requiredScope;
    this.checks = new TokenChecks(b.keys, b.issuer, b.clockSkew.getSeconds(), b.clock, b.cacheSize, b.cacheMemory);
  }


  public static Builder builder() {
    return new Builder();
  }

  /** Settings. A key source is required; everything else has a default. */
  public static final class Builder {
    private VerificationKeys keys;
    private String issuer = "Sentinel";
    private String requiredScope = "msg.consumer";
    private Duration clockSkew = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();
    private int cacheSize = 100_000;
    private long cacheMemory = 32L << 20;

    /** Keys from a JWKS URL, refreshed in the background (see {@link RemoteJwks}). */
    public Builder jwksUri(URI uri) {
      this.keys = RemoteJwks.builder(uri).build();
      return this;
    }

    /** A fixed key set. */
    public Builder jwkSet(JWKSet set) {
      this.keys = new StaticKeys(set);
      return this;
    }

    /** Any key source. */
    public Builder keys(VerificationKeys k) {
      this.keys = k;
      return this;
    }

    /** The AppJWT {@code iss} to accept. Default {@code Sentinel}. */
    public Builder issuer(String iss) {
      this.issuer = iss;
      return this;
    }

    /** The scope an AppJWT must carry. Default {@code msg.consumer}; null accepts any. */
    public Builder requiredScope(String scope) {
      this.requiredScope = scope;
      return this;
    }

    /** Tolerance for the AppJWT's {@code exp}. Default 30 s. */
    public Builder clockSkew(Duration skew) {
      if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("clock skew must be 0..10 min, got " + skew);
      }
      this.clockSkew = skew;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    /** Tokens remembered per kind; 0 turns caching off (every pair costs two RSA checks). Default 100,000. */
    public Builder cacheSize(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("cache size must be >= 0, got " + n);
      }
      this.cacheSize = n;
      return this;
    }

    /**
     * The heap the cached verdicts may take, both kinds together (half each), estimated from the
     * tokens' lengths: about 1.4 KB for a ConsumerJWS. Default 32 MiB (some 12,000 consumers);
     * size it to the heap, because every new consumer's token can be presented once.
     */
    public Builder cacheMemory(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("cache memory must be >= 0, got " + bytes);
      }
      this.cacheMemory = bytes;
      return this;
    }

    public ConnectorRequestVerifier build() {
      if (keys == null) {
        throw new IllegalStateException("no keys: call jwksUri(..), jwkSet(..) or keys(..)");
      }
      if (issuer == null || issuer.isEmpty()) {
        throw new IllegalStateException("issuer must not be empty");
      }
      return new ConnectorRequestVerifier(this);
    }
  }

  /** The estimated heap the cached verdicts take now (bounded by {@link Builder#cacheMemory}), for monitoring. */
  public long cachedVerdictBytes() {
    return checks.cachedBytes();
  }

  /** How many tokens have a cached verdict now, AppJWTs and ConsumerJWS together, for monitoring. */
  public int cachedVerdicts() {
    return checks.cachedTokens();
  }

  /**
   * Verifies a request given a header lookup (which should ignore case, as HTTP does). A request
   * with both ConsumerJWS header spellings is refused (40103): which one a backend reads is not ours
   * to guess.
   *
   * @param accountId the account of the request path, e.g. from {@link #accountFromPath}
   */
  public Verification verify(String accountId, Function<String, String> header) {
    try {
      String onBehalf = null;
      for (String name : ON_BEHALF_HEADERS) {
        String v = header.apply(name);
        if (v != null) {
          if (onBehalf != null) {
            return new Rejection(INVALID_CONSUMER_JWS, "the ConsumerJWS is given in more than one header");
          }
          onBehalf = v;
        }
      }
      return verify(accountId, header.apply("Authorization"), onBehalf);
    } catch (RuntimeException | StackOverflowError e) {
      return unverifiable();
    }
  }

  /**
   * Verifies a request given every value of each header (case-insensitive lookup; an empty list
   * when absent), refusing a request that carries the AppJWT (40102) or the ConsumerJWS (40103)
   * more than once: a proxy that verified one copy and forwarded all would let a backend act on
   * another. Gateways should use this form.
   */
  public Verification verifyHeaders(String accountId, Function<String, List<String>> allValues) {
    try {
      List<String> auth = allValues.apply("Authorization");
      if (auth != null && auth.size() > 1) {
        return new Rejection(INVALID_APP_JWT, "Authorization is given more than once");
      }
      String onBehalf = null;
      int count = 0;
      for (String name : ON_BEHALF_HEADERS) {
        List<String> v = allValues.apply(name);
        if (v != null && !v.isEmpty()) {
          count += v.size();
          onBehalf = v.get(0);
        }
      }
      if (count > 1) {
        return new Rejection(INVALID_CONSUMER_JWS, "the ConsumerJWS is given more than once");
      }
      return verify(accountId, auth == null || auth.isEmpty() ? null : auth.get(0), onBehalf);
    } catch (RuntimeException | StackOverflowError e) {
      return unverifiable();
    }
  }

  private static Rejection unverifiable() {
    return new Rejection(INVALID_APP_JWT, "the request's tokens could not be read");
  }

  /**
   * Verifies one request's header values.
   *
   * @param accountId the account of the request path
   * @param authorization the {@code Authorization} value: the AppJWT, raw or after {@code Bearer }
   * @param onBehalf the {@code X-LP-ON-BEHALF} value: the ConsumerJWS, raw or after {@code Bearer }
   * @return an {@link Identity} or a {@link Rejection}; never null, never throws for any input
   */
  public Verification verify(String accountId, String authorization, String onBehalf) {
    try {
      if (accountId == null || accountId.isBlank()) {
        throw new TokenChecks.Refused(MISSING_PARAMETER, "brand id (account) is missing from the request");
      }
      String app = token(authorization);
      if (app == null) {
        throw new TokenChecks.Refused(APP_JWT_MISSING, "Authorization header with the AppJWT is missing");
      }
      String consumer = token(onBehalf);
      if (consumer == null) {
        throw new TokenChecks.Refused(CONSUMER_JWS_MISSING, "X-LP-ON-BEHALF header with the ConsumerJWS is missing");
      }
      AppToken a = checks.appClaims(app);
      if (!a.account().equals(accountId)) {
        throw new TokenChecks.Refused(MISSING_PARAMETER, "AppJWT aud is not the account of the request");
      }
      if (requiredScope != null && !a.scopes().contains(requiredScope)) {
        throw new TokenChecks.Refused(MISSING_PARAMETER, "AppJWT scope does not include " + requiredScope);
      }
      ConsumerToken c = checks.consumerClaims(consumer);
      if (!c.account().equals(a.account())) {
        throw new TokenChecks.Refused(INVALID_CONSUMER_JWS, "ConsumerJWS belongs to another account");
      }
      return new Identity(a.account(), a.clientId(), a.scopes(), a.issuedAt(), a.expiresAt(), c.lpConsumerId(), c.extConsumerId());
    } catch (TokenChecks.Refused r) {
      return r.rejection;
    } catch (RuntimeException | StackOverflowError e) {
      // a key source or a provider that failed: refuse, never throw (parsing itself cannot get here)
      return unverifiable();
    }
  }

  /**
   * Verifies one AppJWT on its own: signature, {@code alg}, {@code kid}, expiry and issuer, not
   * which account or scope it is for.
   *
   * @param token the AppJWT, raw or after {@code Bearer }
   * @return its claims, or a {@link Rejection} inside the exception
   */
  public AppToken verifyAppJwt(String token) throws TokenRejectedException {
    try {
      String t = token(token);
      if (t == null) {
        throw new TokenChecks.Refused(APP_JWT_MISSING, "no AppJWT given");
      }
      return checks.appClaims(t);
    } catch (TokenChecks.Refused r) {
      throw new TokenRejectedException(r.rejection);
    } catch (RuntimeException | StackOverflowError e) {
      throw new TokenRejectedException(new Rejection(INVALID_APP_JWT, "AppJWT could not be read"));
    }
  }

  /**
   * Verifies one ConsumerJWS on its own: signature, {@code alg}, {@code kid} and its claims.
   *
   * @param token the ConsumerJWS, raw or after {@code Bearer }
   */
  public ConsumerToken verifyConsumerJws(String token) throws TokenRejectedException {
    try {
      String t = token(token);
      if (t == null) {
        throw new TokenChecks.Refused(CONSUMER_JWS_MISSING, "no ConsumerJWS given");
      }
      return checks.consumerClaims(t);
    } catch (TokenChecks.Refused r) {
      throw new TokenRejectedException(r.rejection);
    } catch (RuntimeException | StackOverflowError e) {
      throw new TokenRejectedException(new Rejection(INVALID_CONSUMER_JWS, "ConsumerJWS could not be read"));
    }
  }

  /** The token from a header value: raw, or after {@code Bearer } (any case); null if absent or empty. */
  static String token(String header) {
    return BearerToken.from(header, true);
  }

  /**
   * The account id of a Connector API path such as {@code /api/account/5313846/messaging/consumer/conversation}
   * (query string ignored), or null when the path has none or is not in normal form.
   *
   * <p>A gateway authorizes the account it reads here, and a backend then serves whatever it makes
   * of the same path. So the path must mean one thing to everyone: it starts with {@code
   * /api/account/}, the id is 1-64 of {@code A-Z a-z 0-9 _ -}, and nowhere in the path is there a
   * dot segment ({@code .} or {@code ..}), an empty segment ({@code //}), a backslash, a {@code ;}
   * parameter, or a percent-encoded dot, slash or backslash ({@code %2e %2f %5c}), nor a control
   * character or space: forms that some servers normalize into another account's path.
   */
  public static String accountFromPath(String pathOrUri) {
    return NormalPath.accountFromPath(pathOrUri);
  }

  /** The key source in use; for monitoring. */
  public VerificationKeys keys() {
    return keys;
  }
}
