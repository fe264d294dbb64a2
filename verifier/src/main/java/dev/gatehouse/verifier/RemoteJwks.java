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
 *   <li>A token naming an unknown {@code kid} starts a refresh in the background, at most one per
 *       {@code minRefreshInterval} and one at a time, and is refused meanwhile: no request ever
 *       waits on the network. (An issuer that publishes keys before it signs with them, as
 *       Gatehouse does, is never caught by this.)
 *   <li>When the JWKS host is down, the last good set stays in use for at most {@code maxKeyAge}
 *       (default 24 h) after the last successful fetch; after that its keys stop verifying, so a
 *       retired or compromised key cannot stay trusted for ever. The background refresh retries
 *       with a growing delay.
 *   <li>Only {@code https} URLs, except on a loopback host or with {@link
 *       Builder#allowPlainHttp()}; a response body over {@code maxBytes} (default 256 KiB) is a
 *       failed fetch.
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
  private final java.util.concurrent.Executor onDemand;
  private final ReentrantLock fetching = new ReentrantLock();
  private final java.util.concurrent.atomic.AtomicBoolean refreshQueued = new java.util.concurrent.atomic.AtomicBoolean();
  private final Duration maxKeyAge;
  private final int maxBytes;

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
    this.maxKeyAge = b.maxKeyAge;
    this.maxBytes = b.maxBytes;
    this.scheduler = b.backgroundRefresh ? Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gatehouse-jwks-refresh");
      t.setDaemon(true);
      return t;
    }) : null;
    this.onDemand = b.onDemand != null ? b.onDemand : scheduler != null ? scheduler : ON_DEMAND;
  }

  /** Runs the unknown-kid refreshes of instances without a scheduler of their own. */
  private static final java.util.concurrent.Executor ON_DEMAND = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "gatehouse-jwks-fetch");
    t.setDaemon(true);
    return t;
  });

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
    private boolean plainHttp;
    private Duration maxKeyAge = Duration.ofHours(24);
    private int maxBytes = 256 * 1024;
    private java.util.concurrent.Executor onDemand;

    private Builder(URI uri) {
      if (uri == null || !(("https".equals(uri.getScheme())) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException("JWKS URI must be an https URL, got " + uri);
      }
      this.uri = uri;
    }

    /** Allows a plain {@code http} JWKS URL on a host that is not loopback: keys fetched so can be forged on the way. */
    public Builder allowPlainHttp() { this.plainHttp = true; return this; }
    /**
     * How long keys stay usable after the last successful fetch while refreshing fails. Default
     * 24 h; past it every token is refused until a fetch succeeds.
     */
    public Builder maxKeyAge(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("maxKeyAge must be positive, got " + d);
      }
      this.maxKeyAge = d;
      return this;
    }
    /** Largest JWKS body accepted, in bytes. Default 262,144. */
    public Builder maxBytes(int n) {
      if (n < 1024) {
        throw new IllegalArgumentException("maxBytes must be at least 1024, got " + n);
      }
      this.maxBytes = n;
      return this;
    }
    /** Where unknown-kid refreshes run; default a background thread. Tests may pass {@code Runnable::run}. */
    public Builder refreshExecutor(java.util.concurrent.Executor e) { this.onDemand = e; return this; }

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
      if ("http".equals(uri.getScheme()) && !plainHttp && !LoopbackHost.is(uri.getHost())) {
        throw new IllegalArgumentException("JWKS URI " + uri + " is plain http: keys fetched so can be replaced on the way;"
            + " use https, or allowPlainHttp() if the network is yours");
      }
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
      HttpResponse<java.io.InputStream> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
      Duration maxAge = maxAge(r);
      byte[] body;
      try (java.io.InputStream in = r.body()) {
        body = in.readNBytes(maxBytes + 1);
      }
      if (r.statusCode() == 304) {
        return succeeded(maxAge);
      }
      if (r.statusCode() != 200) {
        return failed("JWKS " + uri + " answered " + r.statusCode());
      }
      if (body.length > maxBytes) {
        return failed("JWKS " + uri + " is larger than " + maxBytes + " bytes");
      }
      Map<String, PublicKey> fresh = StaticKeys.usableKeys(JWKSet.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8)));
      keys = fresh;
      etag = r.headers().firstValue("ETag").orElse(null);
      return succeeded(maxAge);
    } catch (IOException | ParseException | RuntimeException e) {
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
    if (r.statusCode() != 200 && r.statusCode() != 304) {
      return defaultMaxAge;
    }
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

  /** Whether the keys held may still be used: fetched successfully within {@code maxKeyAge}. */
  private boolean trusted() {
    Instant last = lastSuccess;
    return last != null && !clock.instant().isAfter(last.plus(maxKeyAge));
  }

  private PublicKey lookup(String kid) {
    if (kid == null) {
      return null;
    }
    PublicKey k = keys.get(kid);
    if (k != null) {
      return trusted() ? k : null;
    }
    // Unknown kid: a rotation we have not seen yet, or a forgery. Refresh in the background, at
    // most once per interval and one at a time; this caller is answered now, without the key.
    if (Duration.between(lastAttempt, clock.instant()).compareTo(minRefreshInterval) >= 0 && refreshQueued.compareAndSet(false, true)) {
      lastAttempt = clock.instant();
      try {
        onDemand.execute(() -> {
          try {
            fetch();
          } finally {
            refreshQueued.set(false);
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        refreshQueued.set(false);
      }
      k = keys.get(kid); // a direct executor has fetched already
      return k != null && trusted() ? k : null;
    }
    return null;
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
    return keys.containsKey(kid) && trusted();
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
