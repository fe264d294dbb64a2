package dev.gatehouse.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Decides whether a request naming something this node does not hold (an app made through another
 * node a moment ago, before its change notice arrived) may look for it in the store. Only on a
 * shared store; the same name at most once per 2 s; at most {@code perSecond} look-ups a second in
 * all, so a flood of made-up client ids cannot turn into a flood of queries.
 *
 * <p>Thread-safe.
 */
public final class MissLookups {
  private final boolean enabled;
  private final int perSecond;
  private final Cache<String, Boolean> recent = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(2)).maximumSize(10_000).build();
  private long windowStart;
  private int used;

  public MissLookups(boolean sharedStore, int perSecond) {
    this.enabled = sharedStore;
    this.perSecond = perSecond;
  }

  /** Whether to look {@code key} up in the store now. */
  public boolean allow(String key) {
    if (!enabled || recent.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
      return false;
    }
    synchronized (this) {
      long now = System.nanoTime();
      if (now - windowStart > 1_000_000_000L) {
        windowStart = now;
        used = 0;
      }
      return ++used <= perSecond;
    }
  }
}
