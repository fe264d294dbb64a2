package dev.gatehouse.cluster;

import dev.gatehouse.store.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's in-memory view (accounts, apps, keys, revocations) in step with the store when
 * other nodes change it, and watches the store's health.
 *
 * <ul>
 *   <li>A change made here is announced ({@link #changed}); a notice from another node reads the
 *       topic again, normally within a second ({@link PostgresChangeFeed}).
 *   <li>Safety net: on PostgreSQL everything is read again every {@code refresh} and whenever the
 *       store or the notice connection comes back after an outage.
 *   <li>The store is pinged every second; {@link #storeUp()} feeds {@code /health/ready}. While it
 *       is down, reads fail and the node keeps what it has: tokens are issued from memory.
 * </ul>
 *
 * <p>All reloads run on one thread, one at a time. Thread-safe.
 */
public final class ClusterSync implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSync.class);

  private final Database db;
  private volatile Map<Topic, Runnable> reloaders = Map.of();
  private final Duration refresh;
  private final ScheduledExecutorService worker;
  private volatile ChangeFeed feed = ChangeFeed.NONE;
  /** Topics noticed changed, to be read again by the read queued on the worker; guarded by itself. */
  private final EnumSet<Topic> pending = EnumSet.noneOf(Topic.class);
  /** Whether a read of {@link #pending} is queued on the worker and has not started; guarded by pending. */
  private boolean drainQueued;
  private volatile boolean storeUp = true;
  private volatile Instant storeDownSince;
  /** {@link System#nanoTime} when this node last knew its view matched the store. */
  private volatile long lastSyncNanos = System.nanoTime();

  /**
   * Made before the parts it keeps in step (they announce their changes through it); it starts
   * listening and re-reading at {@link #start}.
   *
   * @param refresh how often to read everything again on PostgreSQL (zero: never)
   */
  public ClusterSync(Database db, Duration refresh) {
    this.db = db;
    this.refresh = refresh;
    this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gatehouse-sync");
      t.setDaemon(true);
      return t;
    });
  }

  /** @param reloaders what to run to read each topic again */
  public void start(Map<Topic, Runnable> reloaders) {
    this.reloaders = new EnumMap<>(reloaders);
    this.feed = db.isPostgres()
        ? new PostgresChangeFeed(db, this::reloadSoon, () -> reloadSoon(EnumSet.allOf(Topic.class)))
        : ChangeFeed.NONE;
    worker.scheduleWithFixedDelay(this::checkStore, 1, 1, TimeUnit.SECONDS);
    if (db.isPostgres() && !refresh.isZero()) {
      long ms = refresh.toMillis();
      worker.scheduleWithFixedDelay(() -> reload(EnumSet.allOf(Topic.class)), ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  /** Announces a committed change to the other nodes. */
  public void changed(Topic topic) {
    feed.publish(topic);
  }

  /** Whether other nodes may write to the store (PostgreSQL), so this node's view can lag it. */
  public boolean sharedStore() {
    return db.isPostgres();
  }

  /** Whether the store answered its last ping (within the last second or so). */
  public boolean storeUp() {
    return storeUp;
  }

  /** Since when the store has been unreachable; null while it is up. */
  public Instant storeDownSince() {
    return storeDownSince;
  }

  /**
   * Reads the topics again on the worker, soon. Notices that arrive while a read is queued join it,
   * and those that arrive while one runs make one more: a burst of changes on other nodes (an
   * operator's script erasing consumers one by one, say) costs a read or two of each topic, not
   * one per notice, which queued without bound behind reads of a large table (a million
   * revocations take 1-4 s to read) and held up the others (a key rotation's notice waited behind
   * them all).
   */
  void reloadSoon(Set<Topic> topics) {
    synchronized (pending) {
      pending.addAll(topics);
      if (drainQueued) {
        return;
      }
      drainQueued = true;
    }
    worker.execute(() -> {
      Set<Topic> now;
      synchronized (pending) {
        now = EnumSet.copyOf(pending);
        pending.clear();
        drainQueued = false;
      }
      reload(now);
    });
  }

  /** @return whether every topic was read */
  private boolean reload(Set<Topic> topics) {
    boolean all = true;
    for (Topic t : topics) {
      Runnable r = reloaders.get(t);
      if (r == null) {
        continue;
      }
      try {
        r.run();
      } catch (RuntimeException e) {
        all = false;
        LOG.warn("reading {} again failed ({}); keeping what this node has", t, e.getMessage());
      }
    }
    return all;
  }

  /**
   * How long ago this node last knew its view of accounts, apps, keys and revocations matched the
   * store: the last successful ping while the store stayed reachable since the last complete
   * re-read. Zero on the embedded store, which no other process writes.
   */
  public Duration staleness() {
    if (!db.isPostgres()) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(Math.max(0, System.nanoTime() - lastSyncNanos));
  }

  private void checkStore() {
    long before = System.nanoTime();
    boolean up = db.ping();
    if (up == storeUp) {
      if (up) {
        lastSyncNanos = before;
      }
      return;
    }
    if (up) {
      LOG.info("store reachable again (down since {}); reading everything again", storeDownSince);
      // fresh again only once everything has been read again
      if (reload(EnumSet.allOf(Topic.class))) {
        storeUp = true;
        storeDownSince = null;
        lastSyncNanos = before;
      }
    } else {
      storeUp = false;
      storeDownSince = Instant.now();
      LOG.warn("store unreachable: tokens are still issued from memory; admin changes fail with 503 until it is back");
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    feed.close();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
