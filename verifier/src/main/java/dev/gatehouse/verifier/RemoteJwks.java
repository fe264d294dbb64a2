package dev.gatehouse.verifier;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keys from a JWKS URL, kept fresh without the request path ever waiting on the network once warm.
 *
 * <ul>
 *   <li>The set is fetched once at {@link #start()}, then again in the background before the age
 *       its {@code Cache-Control: max-age} allows runs out (at 80% of it), with {@code
 *       If-None-Match} so an unchanged set costs a 304.
 *   <li>A token naming an unknown {@code kid} triggers an immediate refresh, rate-limited to one per
 *       {@code minRefreshInterval}; concurrent callers share that one fetch. This is the only case
 *       where a request waits on the network, bounded by {@code fetchTimeout}.
 *   <li>When the JWKS host is down, the last good set stays in use; the background refresh retries
 *       with a growing delay.
 * </ul>
 *
 * <p>Thread-safe. Close it to stop the background refresh.
 */
public final class RemoteJwks implements VerificationKeys, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RemoteJwks.class.getName());
  private static final Pattern MAX_AGE = Pattern.compile("max-age\\s*=\\s*(\\d+)");

  private final URI uri;
  private final HttpClient http;
  private final Clock clock;
  private final Duration minRefreshInterval;
  private final Duration defaultMaxAge;
  private final Duration fetchTimeout;
  private final ScheduledExecutorService scheduler;
  private final ReentrantLock fetching = new ReentrantLock();

  private volatile Map<String, PublicKey> keys = Map.of();
  private volatile String etag;
  private volatile Instant lastAttempt = Instant.MIN;
  private volatile Instant lastSuccess;
  private volatile int fetches;
  private Duration failureDelay;

  private RemoteJwks(Builder b) {
    this.uri = b.uri;
    this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.fetchTimeout).build();
    this.clock = b.clock;
    this.minRefreshInterval = b.minRefreshInterval;
    this.defaultMaxAge = b.defaultMaxAge;
    this.fetchTimeout = b.fetchTimeout;
    this.failureDelay = Duration.ofSeconds(1);
    this.scheduler = b.backgroundRefresh ? Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gatehouse-jwks-refresh");
      t.setDaemon(true);
      return t;
    }) : null;
  }

  public static Builder builder(URI jwksUri) {
    return new Builder(jwksUri);
  }

  /** Settings; all but the URI have defaults. */
  public static final class Builder {
    private final URI uri;
    private HttpClient http;
    private Clock clock = Clock.systemUTC();
    private Duration minRefreshInterval = Duration.ofSeconds(10);
    private Duration defaultMaxAge = Duration.ofMinutes(5);
    private Duration fetchTimeout = Duration.ofSeconds(5);
    private boolean backgroundRefresh = true;

    private Builder(URI uri) {
      if (uri == null || !(("https".equals(uri.getScheme())) || "http".equals(uri.getScheme()))) {
        throw new IllegalArgumentException("JWKS URI must be http or https, got " + uri);
      }
      this.uri = uri;
    }

    public Builder httpClient(HttpClient c) { this.http = c; return this; }
    public Builder clock(Clock c) { this.clock = c; return this; }
    /** Least time between two refreshes caused by unknown kids. Default 10 s. */
    public Builder minRefreshInterval(Duration d) { this.minRefreshInterval = d; return this; }
    /** Refresh period when the JWKS response has no max-age. Default 5 min. */
    public Builder defaultMaxAge(Duration d) { this.defaultMaxAge = d; return this; }
    public Builder fetchTimeout(Duration d) { this.fetchTimeout = d; return this; }
    /** Off for tests that drive {@link RemoteJwks#refresh()} themselves. Default on. */
    public Builder backgroundRefresh(boolean on) { this.backgroundRefresh = on; return this; }

    /** Builds and {@linkplain RemoteJwks#start() starts} it. */
    public RemoteJwks build() {
      RemoteJwks r = new RemoteJwks(this);
      r.start();
      return r;
    }
  }

  /** Fetches the set once (failure is not fatal: the first unknown kid retries) and schedules refreshes. */
  void start() {
    Duration next = fetch();
    schedule(next);
  }

  private void schedule(Duration delay) {
    if (scheduler != null && !scheduler.isShutdown()) {
      scheduler.schedule(() -> schedule(fetch()), Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Fetches now, unconditionally. @return when to fetch next: 80% of max-age after a success, a
   * growing delay (1 s doubling, capped at max-age) after a failure
   */
  public Duration refresh() {
    return fetch();
  }

  private Duration fetch() {
    fetching.lock();
    try {
      lastAttempt = clock.instant();
      fetches++;
      HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(fetchTimeout).header("Accept", "application/json").GET();
      String tag = etag;
      if (tag != null && !keys.isEmpty()) {
        rb.header("If-None-Match", tag);
      }
      HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
      Duration maxAge = maxAge(r);
      if (r.statusCode() == 304) {
        return succeeded(maxAge);
      }
      if (r.statusCode() != 200) {
        return failed("JWKS " + uri + " answered " + r.statusCode());
      }
      Map<String, PublicKey> fresh = StaticKeys.usableKeys(JWKSet.parse(r.body()));
      keys = fresh;
      etag = r.headers().firstValue("ETag").orElse(null);
      return succeeded(maxAge);
    } catch (IOException | ParseException e) {
      return failed("JWKS " + uri + " unavailable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed("interrupted");
    } finally {
      fetching.unlock();
    }
  }

  private Duration succeeded(Duration maxAge) {
    lastSuccess = clock.instant();
    failureDelay = Duration.ofSeconds(1);
    Duration next = maxAge.multipliedBy(8).dividedBy(10);
    return next.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : next;
  }

  private Duration failed(String why) {
    LOG.log(System.Logger.Level.WARNING, why + "; keeping the " + keys.size() + " keys already known");
    Duration d = failureDelay;
    Duration doubled = failureDelay.multipliedBy(2);
    failureDelay = doubled.compareTo(defaultMaxAge) > 0 ? defaultMaxAge : doubled;
    return d;
  }

  private Duration maxAge(HttpResponse<?> r) {
    String cc = r.headers().firstValue("Cache-Control").orElse("");
    Matcher m = MAX_AGE.matcher(cc);
    if (m.find()) {
      try {
        return Duration.ofSeconds(Math.max(1, Long.parseLong(m.group(1))));
      } catch (NumberFormatException e) {
        return defaultMaxAge;
      }
    }
    return defaultMaxAge;
  }

  private PublicKey lookup(String kid) {
    if (kid == null) {
      return null;
    }
    PublicKey k = keys.get(kid);
    if (k != null) {
      return k;
    }
    // Unknown kid: a rotation we have not seen yet, or a forgery. Refresh at most once per interval.
    Instant before = lastAttempt;
    fetching.lock();
    try {
      k = keys.get(kid);
      if (k != null || lastAttempt.isAfter(before)) { // another thread fetched while we waited
        return k;
      }
      if (Duration.between(lastAttempt, clock.instant()).compareTo(minRefreshInterval) < 0) {
        return null;
      }
      fetch();
      return keys.get(kid);
    } finally {
      fetching.unlock();
    }
  }

  @Override
  public PublicKey appKey(String kid) {
    return lookup(kid);
  }

  @Override
  public PublicKey consumerKey(String kid) {
    return lookup(kid);
  }

  @Override
  public boolean isPublished(String kid) {
    return keys.containsKey(kid);
  }

  /** How many fetches were made; for monitoring and tests. */
  public int fetchCount() {
    return fetches;
  }

  /** When the set was last fetched successfully, or null if never. */
  public Instant lastSuccess() {
    return lastSuccess;
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
