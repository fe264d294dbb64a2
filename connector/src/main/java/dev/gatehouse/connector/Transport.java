package dev.gatehouse.connector;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One HTTP exchange, and the retry rule every call of the client shares: never on a 4xx but 429;
 * on 429, 5xx and connection failures, {@code delays.size()} more times, each after its delay (the
 * vendor's 5, 10, 15 s) or after the server's {@code Retry-After} when it sends one; then give up
 * with the last cause. Thread-safe.
 */
final class Transport {
  /** A response: status, body and the one header the client reads. */
  record Response(int status, String body, String retryAfter) {}

  /** A request to make, again on each attempt (tokens and hosts may change between attempts). */
  @FunctionalInterface
  interface Attempt {
    HttpRequest build();
  }

  /** What the caller does with an answer: a result, or null to let the retry rule decide. */
  @FunctionalInterface
  interface Reading<T> {
    T read(Response r);
  }

  private final HttpClient http;
  private final Duration timeout;
  private final List<Duration> delays;
  private final Sleeper sleeper;

  Transport(HttpClient http, Duration timeout, List<Duration> delays, Sleeper sleeper) {
    this.http = http;
    this.timeout = timeout;
    this.delays = List.copyOf(delays);
    this.sleeper = sleeper;
  }

  Duration timeout() {
    return timeout;
  }

  /**
   * Makes the request until {@code reading} returns a result, or the retries run out.
   *
   * @param what names the call in errors, e.g. "Sentinel"
   * @param onConnectionFailure called after a connection failure, before the retry (to look the host up again)
   */
  <T> T call(String what, Attempt attempt, Reading<T> reading, Runnable onConnectionFailure) {
    RuntimeException last = null;
    for (int i = 0; ; i++) {
      Duration wait;
      try {
        HttpResponse<String> resp = http.send(attempt.build(), HttpResponse.BodyHandlers.ofString());
        Response r = new Response(resp.statusCode(), resp.body(), resp.headers().firstValue("Retry-After").orElse(null));
        if (r.status() < 400 || (r.status() >= 400 && r.status() < 500 && r.status() != 429)) {
          T result = reading.read(r);
          if (result != null) {
            return result;
          }
          throw new SendApiException(what, r.status(), errorCode(r.body()), r.body(), null);
        }
        last = new SendApiException(what, r.status(), errorCode(r.body()), r.body(), last);
        wait = retryAfter(r.retryAfter());
      } catch (javax.net.ssl.SSLException e) {
        // a certificate the client does not trust, or no common protocol: trying again will not help
        throw new ConnectorException(what + ": TLS failed (" + e.getMessage() + "); is the server's CA trusted (sslContext)?", e);
      } catch (IOException e) {
        onConnectionFailure.run();
        last = new ConnectorException(what + " could not be reached: " + e, e);
        wait = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConnectorException(what + ": interrupted", e);
      }
      if (i >= delays.size()) {
        throw last instanceof SendApiException s ? s : new ConnectorException(what + " failed after " + (i + 1) + " attempts: " + last.getMessage(), last);
      }
      try {
        sleeper.sleep(wait != null ? wait : delays.get(i));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConnectorException(what + ": interrupted while waiting to retry", e);
      }
    }
  }

  HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(timeout);
  }

  /** Retry-After as seconds (RFC 9110 §10.2.3); an HTTP date or nonsense is ignored. */
  private static Duration retryAfter(String v) {
    if (v == null) {
      return null;
    }
    try {
      long s = Long.parseLong(v.trim());
      return s >= 0 && s <= 3600 ? Duration.ofSeconds(s) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The Send API {@code body.errorCode} of an error body, or 0. */
  static int errorCode(String body) {
    try {
      Map<String, Object> m = Json.object(body);
      Integer code = Json.integer(Json.map(m.get("body")), "errorCode");
      return code == null ? 0 : code;
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
