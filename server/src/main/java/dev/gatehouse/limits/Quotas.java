package dev.gatehouse.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Per-app quotas, off unless set: AppJWTs per minute, new consumers per minute. A fixed window of
 * one minute per (kind, app); past the quota the app gets 429 with the time until the next minute.
 * Per node, like the brute-force limits.
 *
 * <p>Thread-safe.
 */
public final class Quotas {
  /** What is counted. */
  public enum Kind { APP_TOKENS, NEW_CONSUMERS }

  private record Key(Kind kind, String app) {}

  private static final class Window {
    long minute;
    int used;
  }

  private final int appTokensPerMinute;
  private final int newConsumersPerMinute;
  private final Clock clock;
  private final Cache<Key, Window> windows = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(5)).build();

  /** @param appTokensPerMinute 0: no quota; {@code newConsumersPerMinute} likewise */
  public Quotas(int appTokensPerMinute, int newConsumersPerMinute, Clock clock) {
    this.appTokensPerMinute = appTokensPerMinute;
    this.newConsumersPerMinute = newConsumersPerMinute;
    this.clock = clock;
  }

  /** An unlimited instance. */
  public static Quotas none() {
    return new Quotas(0, 0, Clock.systemUTC());
  }

  /** Whether there is a quota of this kind at all. */
  public boolean limits(Kind kind) {
    return (kind == Kind.APP_TOKENS ? appTokensPerMinute : newConsumersPerMinute) > 0;
  }

  /**
   * Takes one from the app's quota of this kind.
   *
   * @return null when within the quota, else how long until the next minute
   */
  public Duration take(Kind kind, String app) {
    int limit = kind == Kind.APP_TOKENS ? appTokensPerMinute : newConsumersPerMinute;
    if (limit <= 0) {
      return null;
    }
    Instant now = clock.instant();
    long minute = now.getEpochSecond() / 60;
    Window w = windows.get(new Key(kind, app), k -> new Window());
    synchronized (w) {
      if (w.minute != minute) {
        w.minute = minute;
        w.used = 0;
      }
      if (w.used >= limit) {
        return Duration.ofSeconds((minute + 1) * 60 - now.getEpochSecond());
      }
      w.used++;
      return null;
    }
  }
}
