package dev.gatehouse.sandbox;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.apps.WebhookConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works the durable queue of webhook deliveries: claims what is due (a lease, so with many nodes
 * each delivery is sent by one; many at once, in one statement), POSTs it with the vendor's headers and signature, and records the
 * outcome. 200 and 201 are success; any other status, a connection failure or no answer within
 * the timeout is a failed attempt, retried {@code max_retries} times at the retry spacing (the
 * vendor's 30 s), then dropped. At least once: a node that dies after sending but before recording
 * leaves the delivery to be sent again when its lease runs out. Successes are recorded in batches
 * (one statement per pass of the dispatcher); until then the lease keeps them from going out again.
 *
 * <p>Design note: one thread polls the store (once a second, or at once when a change on this node
 * owes deliveries) and hands each claimed delivery to the JDK HTTP client, which sends
 * asynchronously; at most {@code maxInFlight} are out at once, so a slow receiver cannot pile up
 * memory, and at most one per conversation, so a node delivers a conversation's notifications in
 * order (a failed one is retried later, after those behind it: order is best effort, as the
 * vendor documents). Fault injection (per account, {@link SandboxSettings}) acts here: a failed attempt
 * without sending, a delay, a duplicate, or a hold-back that lets later deliveries overtake.
 *
 * <p>Thread-safe. Never logs a body or a secret.
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  /** The least time between two looks at the queue, so that claims and records are written in batches under load. */
  static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** How deliveries are paced. */
  public record Options(Duration retrySpacing, Duration timeout, Duration lease, int maxInFlight) {
    public static final Options DEFAULT = new Options(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(30), 64);
  }

  private final DeliveryRepository queue;
  private final AppDirectory apps;
  private final SandboxSettingsDirectory settings;
  private final HttpClient http;
  private final Clock clock;
  private final Options options;
  private final Semaphore work = new Semaphore(0);
  /** Delivered, not yet recorded: written in one statement by the dispatcher's thread. */
  private final java.util.Queue<Long> succeeded = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Conversations with a delivery out: their next waits, so one node delivers a conversation's notifications in order. */
  private final java.util.Set<String> busy = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Random dice = new Random();
  private final Thread thread;
  private volatile boolean closed;

  private final LongAdder delivered = new LongAdder();
  private final LongAdder failedAttempts = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private volatile long pending;

  public WebhookDispatcher(DeliveryRepository queue, AppDirectory apps, SandboxSettingsDirectory settings, HttpClient http, Clock clock,
      Options options) {
    this.queue = queue;
    this.apps = apps;
    this.settings = settings;
    this.http = http;
    this.clock = clock;
    this.options = options;
    this.thread = new Thread(this::run, "gatehouse-webhooks");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Something is owed: look at the queue now rather than at the next poll. */
  public void wake() {
    if (work.availablePermits() == 0) {
      work.release();
    }
  }

  private void run() {
    long lastPump = 0;
    while (!closed) {
      try {
        work.tryAcquire(1, TimeUnit.SECONDS);
        // under load, let what finished and what came in gather for a moment: a pump then claims
        // and records them in one statement each, not one commit per delivery (idle, no wait)
        long since = System.nanoTime() - lastPump;
        if (since < GATHER_NANOS) {
          TimeUnit.NANOSECONDS.sleep(GATHER_NANOS - since);
        }
        work.drainPermits();
        pump();
        lastPump = System.nanoTime();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn("webhook queue: {}", e.getMessage());
        sleepQuietly(1000);
      }
    }
  }

  private void pump() {
    while (!closed) {
      recordDelivered();
      int room = options.maxInFlight() - inFlight.get();
      if (room <= 0) {
        return;
      }
      Instant now = clock.instant();
      int window = room * 4;
      List<Delivery> due = queue.due(now, window);
      countPending(now);
      // at most one out per conversation: the oldest due of each conversation not already out
      List<Delivery> pick = new java.util.ArrayList<>();
      java.util.Set<String> taken = new java.util.HashSet<>();
      for (Delivery d : due) {
        if (pick.size() < room && !busy.contains(d.conversationId()) && taken.add(d.conversationId())) {
          pick.add(d);
        }
      }
      if (pick.isEmpty()) {
        return;
      }
      java.util.Set<Long> won = new java.util.HashSet<>(queue.claim(pick.stream().map(Delivery::id).toList(), now, now.plus(options.lease()),
          dice.nextLong()));
      for (Delivery d : pick) {
        if (!won.contains(d.id())) {
          continue; // another node has it
        }
        busy.add(d.conversationId());
        inFlight.incrementAndGet();
        try {
          attempt(d, now);
        } catch (RuntimeException e) {
          done(d);
          LOG.warn("webhook delivery {} not attempted: {}", d.id(), e.getMessage());
        }
      }
      if (due.size() < window || won.isEmpty()) {
        return;
      }
    }
  }

  /** Writes the successes gathered since the last call, in one statement (until then their lease keeps them from being sent again). */
  private void recordDelivered() {
    List<Long> ids = new java.util.ArrayList<>();
    for (Long id; (id = succeeded.poll()) != null; ) {
      ids.add(id);
    }
    for (int i = 0; i < ids.size(); i += 500) {
      List<Long> part = ids.subList(i, Math.min(ids.size(), i + 500));
      try {
        queue.delivered(part, clock.instant(), "2xx");
      } catch (RuntimeException e) {
        LOG.warn("{} webhook deliveries not recorded as delivered (they are sent again after their lease): {}", part.size(), e.getMessage());
      }
    }
  }

  private long pendingCountedAt;

  /** The pending count for the metrics, at most once a second (a count is not free). */
  private void countPending(Instant now) {
    if (now.toEpochMilli() - pendingCountedAt >= 1000 || now.toEpochMilli() < pendingCountedAt) {
      pending = queue.pending();
      pendingCountedAt = now.toEpochMilli();
    }
  }

  private void attempt(Delivery d, Instant now) {
    App app = apps.findOrLoad(d.clientId()).orElse(null);
    WebhookConfig config = app == null || !app.enabled() ? null : app.webhooks();
    WebhookConfig.Subscription sub = config == null ? null : config.forType(d.eventType());
    if (sub == null) {
      finish(d, () -> queue.dropped(d.id(), d.attempts(), now, "the app is gone or disabled, or no longer subscribes to " + d.eventType()));
      dropped.increment();
      return;
    }
    if (config.retentionSeconds() > 0 && d.createdAt().plusSeconds(config.retentionSeconds()).isBefore(now)) {
      finish(d, () -> queue.dropped(d.id(), d.attempts(), now, "older than the registration's retention_time"));
      dropped.increment();
      return;
    }
    SandboxSettings faults = settings.of(d.account());
    if (roll(faults.webhookReorderShare())) {
      finish(d, () -> queue.postpone(d.id(), now.plusMillis(1500 + dice.nextInt(1500))));
      return;
    }
    if (roll(faults.webhookFailShare())) {
      finish(d, () -> failed(d, "injected failure (sandbox fault injection)"));
      return;
    }
    HttpRequest request = request(d, app, sub, config);
    boolean twice = roll(faults.webhookDuplicateShare());
    long delay = roll(faults.webhookDelayShare()) ? faults.webhookDelayMs() : 0;
    CompletableFuture<HttpResponse<Void>> sent = delay == 0 ? send(request)
        : CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)).thenCompose(x -> send(request));
    if (twice) {
      sent = sent.thenCompose(first -> send(request).handle((second, e) -> first));
    }
    sent.whenComplete((resp, e) -> {
      try {
        if (e == null && (resp.statusCode() == 200 || resp.statusCode() == 201)) {
          succeeded.add(d.id());
          delivered.increment();
        } else {
          failed(d, e == null ? "HTTP " + resp.statusCode() : describe(e));
        }
      } catch (RuntimeException storeDown) {
        LOG.warn("webhook delivery {} outcome not recorded (it is sent again after its lease): {}", d.id(), storeDown.getMessage());
      } finally {
        done(d);
      }
      wake();
    });
  }

  private CompletableFuture<HttpResponse<Void>> send(HttpRequest r) {
    return http.sendAsync(r, HttpResponse.BodyHandlers.discarding());
  }

  private HttpRequest request(Delivery d, App app, WebhookConfig.Subscription sub, WebhookConfig config) {
    byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sub.endpoint())).timeout(options.timeout())
        .header("Content-Type", "application/json")
        .header("X-LivePerson-Account-ID", d.account().value())
        .header("X-LivePerson-Client-ID", d.clientId().value())
        .header(WebhookSignature.HEADER, WebhookSignature.sign(apps.webhookSecret(app), body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    sub.headers().forEach(h -> b.header(h.name(), h.value()));
    return b.build();
  }

  /** Records a failed attempt: retried later, or dropped when the retries are used up. */
  private void failed(Delivery d, String why) {
    failedAttempts.increment();
    int attempts = d.attempts() + 1;
    Instant now = clock.instant();
    if (attempts > d.maxRetries()) {
      queue.dropped(d.id(), attempts, now, why + "; retries used up (" + d.maxRetries() + ")");
      dropped.increment();
    } else {
      queue.retryLater(d.id(), attempts, now.plus(options.retrySpacing()), why);
      retries.increment();
    }
  }

  private void finish(Delivery d, Runnable record) {
    try {
      record.run();
    } finally {
      done(d);
    }
  }

  /** The delivery is no longer out: its conversation's next may go. */
  private void done(Delivery d) {
    busy.remove(d.conversationId());
    inFlight.decrementAndGet();
    wake();
  }

  private boolean roll(double share) {
    return share > 0 && (share >= 1 || dice.nextDouble() < share);
  }

  private static String describe(Throwable e) {
    Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    String m = c.getMessage();
    String s = c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    return s.length() > 250 ? s.substring(0, 250) : s;
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public long delivered() {
    return delivered.sum();
  }

  public long failedAttempts() {
    return failedAttempts.sum();
  }

  public long retries() {
    return retries.sum();
  }

  public long dropped() {
    return dropped.sum();
  }

  /** Pending deliveries at the last look at the queue. */
  public long pending() {
    return pending;
  }

  /** Stops taking deliveries and waits up to {@code timeout} for those in flight to be recorded. */
  public void close(Duration timeout) {
    closed = true;
    work.release(); // wakes the thread, which sees closed; never an interrupt: one in the store's file I/O closes H2's file
    long end = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < end) {
      sleepQuietly(20);
    }
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    recordDelivered();
  }

  @Override
  public void close() {
    close(options.timeout().plusSeconds(1));
  }
}
