package dev.gatehouse.connector;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The AppJWT, kept fresh. The expiry is the token's own {@code exp}. Inside the refresh window
 * ({@code refreshBefore} before expiry) the first caller starts a refresh in the background and
 * everyone keeps the current token meanwhile; if the refresh fails the current token is used until
 * it expires (a failed refresh is tried again at most every 5 s). Without a usable token, callers
 * wait for one fetch: however many threads ask, one request reaches Sentinel at a time (single
 * flight). Credentials go in the form body (RFC 6749 §2.3.1), never the query.
 *
 * <p>Thread-safe.
 */
final class AppTokenSource {
  private record Token(String value, Instant expires) {}

  private static final Duration RETRY_FAILED_REFRESH = Duration.ofSeconds(5);

  private final Transport transport;
  private final Discovery discovery;
  private final String account;
  private final String clientId;
  private final String clientSecret;
  private final Clock clock;
  private final Duration refreshBefore;
  private final Executor background;

  private volatile Token current;
  private CompletableFuture<Token> inFlight;
  private Instant lastFailure = Instant.MIN;

  AppTokenSource(Transport transport, Discovery discovery, String account, String clientId, String clientSecret, Clock clock,
      Duration refreshBefore, Executor background) {
    this.transport = transport;
    this.discovery = discovery;
    this.account = account;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.clock = clock;
    this.refreshBefore = refreshBefore;
    this.background = background;
  }

  /** A usable AppJWT: the current one, or a fresh one when there is none or it expired. */
  String get() {
    Token t = current;
    Instant now = clock.instant();
    if (t != null && now.isBefore(t.expires())) {
      if (!now.isBefore(t.expires().minus(refreshBefore))) {
        refreshInBackground(t, now);
      }
      return t.value();
    }
    try {
      return fetch(t).join().value();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new ConnectorException("Sentinel failed", e.getCause());
    }
  }

  /** The server refused {@code token} (40102): the next {@link #get} fetches a new one. */
  synchronized void refused(String token) {
    Token t = current;
    if (t != null && t.value().equals(token)) {
      current = null;
    }
  }

  /** When the current token expires; null when there is none. */
  Instant expires() {
    Token t = current;
    return t == null ? null : t.expires();
  }

  private synchronized void refreshInBackground(Token seen, Instant now) {
    if (inFlight != null || current != seen || now.isBefore(lastFailure.plus(RETRY_FAILED_REFRESH))) {
      return;
    }
    fetch(seen);
  }

  /** The one fetch in flight, started if there is none and the token is still {@code seen}. */
  private synchronized CompletableFuture<Token> fetch(Token seen) {
    if (inFlight != null) {
      return inFlight;
    }
    Token t = current;
    if (t != seen && t != null && clock.instant().isBefore(t.expires())) {
      return CompletableFuture.completedFuture(t); // another caller already fetched one
    }
    CompletableFuture<Token> f = CompletableFuture.supplyAsync(this::request, background);
    inFlight = f;
    f.whenComplete((token, e) -> {
      synchronized (this) {
        if (token != null) {
          current = token;
        } else {
          lastFailure = clock.instant();
        }
        inFlight = null;
      }
    });
    return f;
  }

  private Token request() {
    String body = "grant_type=client_credentials&client_id=" + form(clientId) + "&client_secret=" + form(clientSecret);
    return transport.call("Sentinel", () -> transport.request(URI.create(discovery.baseUrl("sentinel") + "/sentinel/api/account/"
        + Discovery.enc(account) + "/app/token?v=1.0"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), r -> {
          if (r.status() != 200) {
            return null;
          }
          String token = Json.string(Json.object(r.body()), "access_token");
          if (token == null) {
            throw new ConnectorException("Sentinel answered 200 without an access_token", null);
          }
          return new Token(token, expiry(token));
        }, () -> discovery.forget("sentinel"));
  }

  /** The {@code exp} of a JWT's payload (not verified: the client only needs to know when to refresh). */
  static Instant expiry(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      throw new ConnectorException("Sentinel's access_token is not a JWT", null);
    }
    Map<String, Object> claims = Json.object(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    Long exp = Json.longValue(claims, "exp");
    if (exp == null) {
      throw new ConnectorException("Sentinel's AppJWT has no exp", null);
    }
    return Instant.ofEpochSecond(exp);
  }

  private static String form(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
