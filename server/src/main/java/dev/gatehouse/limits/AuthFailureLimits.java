package dev.gatehouse.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Brute-force limits on every door that takes a credential (RFC 6749 §2.3.1: the server MUST
 * protect client authentication against brute force).
 *
 * <p>Design note. Two limits, both counting failures only (a request that authenticates costs one
 * map look-up):
 *
 * <ul>
 *   <li>per (door, subject, source address), where the subject is the client_id tried (or the
 *       admin token): {@code failures} failures within {@code window} lock that triple out for
 *       {@code firstLockout}, doubling with each lockout up to {@code maxLockout}. The right secret
 *       from another address keeps working, so a lockout cannot be used to lock a connector out.
 *   <li>per (door, source address) across subjects: a token bucket of {@code burst} failures,
 *       refilled at one per {@code refill}; an address that guesses many client ids runs dry and
 *       is refused until it refills. An unknown client_id counts exactly like a wrong secret.
 * </ul>
 *
 * A locked-out request is refused before its credential is looked at, with the time until it may
 * try again. State is in memory, bounded (100,000 entries each, idle ones forgotten after a day).
 * With a shared store ({@link SharedFailures}) the per-credential count is kept there instead, one
 * upsert per failure off the request's thread, and lockouts reach every node (the node that made
 * one at once, the others by a change notice), so the limit holds for the service; the per-address
 * budget stays per node.
 *
 * <p>Thread-safe. Time comes from the clock (tests move a fake one).
 */
public final class AuthFailureLimits {
  /** Where a credential is presented. */
  public enum Door { CLIENT_SECRET, ADMIN_TOKEN, INTROSPECTION }

  /** The numbers of one door. */
  public record Policy(int failures, Duration window, Duration firstLockout, Duration maxLockout, int burst, Duration refill) {
    /** How long the {@code n}th lockout in a row lasts (1-based): the first, doubled each time, at most the maximum. */
    public Duration lockout(int n) {
      Duration d = firstLockout.multipliedBy(1L << Math.min(Math.max(n - 1, 0), 20));
      return d.compareTo(maxLockout) > 0 ? maxLockout : d;
    }
  }

  /** The defaults: 10 failures → 1 min for client secrets; 5 → 1 min for the admin token and introspection; doubling to 15 min. */
  public static Map<Door, Policy> defaults() {
    return Map.of(
        Door.CLIENT_SECRET, new Policy(10, Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(15), 30, Duration.ofSeconds(10)),
        Door.ADMIN_TOKEN, new Policy(5, Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(15), 10, Duration.ofSeconds(30)),
        Door.INTROSPECTION, new Policy(5, Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(15), 10, Duration.ofSeconds(30)));
  }

  /** A lockout in force: which door, whose credential ({@code *} for an address-wide one), from where, until when. */
  public record Lockout(Door door, String subject, String address, Instant until, int lockouts) {}

  private record Key(Door door, String subject, String address) {}

  /** Subjects are client ids (36 characters) or {@code admin}; a client may send anything up to the body limit. */
  static final int MAX_SUBJECT = 64;
  /** What every longer subject is counted as: such a subject is no one's credential, and 16 KB strings must not fill the tables. */
  public static final String LONG_SUBJECT = "(more than " + MAX_SUBJECT + " characters)";

  private static String subject(String given) {
    return given.length() <= MAX_SUBJECT ? given : LONG_SUBJECT;
  }

  private static final class Tries {
    final ArrayList<Instant> failures = new ArrayList<>();
    int lockouts;
    Instant lockedUntil;
  }

  private static final class Bucket {
    double tokens;
    Instant refilledAt;
    Instant lockedUntil;
  }

  private final Map<Door, Policy> policies;
  private final Clock clock;
  private final Consumer<Lockout> onLockout;
  private final Cache<Key, Tries> tries = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofDays(1)).build();
  private final Cache<Key, Bucket> buckets = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofDays(1)).build();
  private final SharedFailures shared;
  private final java.util.concurrent.Executor background;
  private final Runnable announce;
  /** Lockouts from the shared store (made here or on another node). */
  private volatile Map<Key, Lockout> remote = Map.of();

  /** @param onLockout told of every new lockout (for the audit log and metrics); must not block */
  public AuthFailureLimits(Map<Door, Policy> policies, Clock clock, Consumer<Lockout> onLockout) {
    this(policies, clock, onLockout, SharedFailures.NONE, Runnable::run, () -> {});
  }

  /**
   * @param shared where the per-credential counts live when several nodes share a store
   * @param background runs the shared counting, off the request's thread
   * @param announce tells the other nodes that the lockouts changed
   */
  public AuthFailureLimits(Map<Door, Policy> policies, Clock clock, Consumer<Lockout> onLockout, SharedFailures shared,
      java.util.concurrent.Executor background, Runnable announce) {
    this.policies = Map.copyOf(policies);
    this.clock = clock;
    this.onLockout = onLockout;
    this.shared = shared;
    this.background = background;
    this.announce = announce;
  }

  /** Reads the shared lockouts again (another node made or lifted one). Blocks on the store. */
  public void reloadShared() {
    Map<Key, Lockout> m = new java.util.HashMap<>();
    for (Lockout l : shared.active(clock.instant())) {
      m.put(new Key(l.door(), l.subject(), l.address()), l);
    }
    remote = Map.copyOf(m);
  }

  /** @return how long until this subject may try again from this address; null when it may now */
  public Duration retryAfter(Door door, String given, String address) {
    String subject = subject(given);
    Instant now = clock.instant();
    Instant until = null;
    Lockout r = remote.isEmpty() ? null : remote.get(new Key(door, subject, address));
    if (r != null && r.until().isAfter(now)) {
      until = r.until();
    }
    Tries t = tries.getIfPresent(new Key(door, subject, address));
    if (t != null) {
      synchronized (t) {
        if (t.lockedUntil != null && t.lockedUntil.isAfter(now) && (until == null || t.lockedUntil.isAfter(until))) {
          until = t.lockedUntil;
        }
      }
    }
    Bucket b = buckets.getIfPresent(new Key(door, "*", address));
    if (b != null) {
      synchronized (b) {
        if (b.lockedUntil != null && b.lockedUntil.isAfter(now) && (until == null || b.lockedUntil.isAfter(until))) {
          until = b.lockedUntil;
        }
      }
    }
    return until == null ? null : Duration.between(now, until).plusMillis(999).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }

  /** Counts a failed attempt; may lock the subject (or the whole address) out. */
  public void failed(Door door, String given, String address) {
    String subject = subject(given);
    Policy p = policies.get(door);
    Instant now = clock.instant();
    Lockout made = null;
    Key k = new Key(door, subject, address);
    if (shared != SharedFailures.NONE) {
      countShared(door, subject, address, now, p);
    }
    Tries t = shared != SharedFailures.NONE ? null : tries.get(k, x -> new Tries());
    if (t != null) synchronized (t) {
      t.failures.removeIf(f -> f.isBefore(now.minus(p.window())));
      t.failures.add(now);
      if (t.failures.size() >= p.failures()) {
        t.lockouts++;
        t.lockedUntil = now.plus(p.lockout(t.lockouts));
        t.failures.clear();
        made = new Lockout(door, subject, address, t.lockedUntil, t.lockouts);
      }
    }
    if (made != null) {
      onLockout.accept(made);
    }
    Lockout wide = null;
    Bucket b = buckets.get(new Key(door, "*", address), x -> {
      Bucket n = new Bucket();
      n.tokens = p.burst();
      n.refilledAt = now;
      return n;
    });
    synchronized (b) {
      refill(b, p, now);
      b.tokens -= 1;
      if (b.tokens < 0) {
        // dry: refused until one failure's worth has refilled
        b.lockedUntil = now.plus(p.refill().multipliedBy((long) Math.ceil(-b.tokens)));
        if (b.tokens > -1.0001) {
          wide = new Lockout(door, "*", address, b.lockedUntil, 1);
        }
      }
    }
    if (wide != null) {
      onLockout.accept(wide);
    }
  }

  private void countShared(Door door, String subject, String address, Instant now, Policy p) {
    try {
      background.execute(() -> {
        try {
          Lockout l = shared.fail(door, subject, address, now, p);
          if (l != null) {
            Map<Key, Lockout> m = new java.util.HashMap<>(remote);
            m.put(new Key(door, subject, address), l);
            remote = Map.copyOf(m);
            onLockout.accept(l);
            announce.run();
          }
        } catch (RuntimeException e) {
          // the store is down: this failure is not counted across nodes (the address budget still is)
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down
    }
  }

  private static void refill(Bucket b, Policy p, Instant now) {
    double add = (double) Duration.between(b.refilledAt, now).toMillis() / p.refill().toMillis();
    b.tokens = Math.min(p.burst(), b.tokens + add);
    b.refilledAt = now;
  }

  /** A success clears the subject's failures from this address (not its address-wide bucket). */
  public void succeeded(Door door, String given, String address) {
    String subject = subject(given);
    Tries t = tries.getIfPresent(new Key(door, subject, address));
    if (t != null) {
      synchronized (t) {
        t.failures.clear();
      }
    }
  }

  /** The lockouts in force now, soonest to end first. */
  public List<Lockout> lockouts() {
    Instant now = clock.instant();
    List<Lockout> out = new ArrayList<>();
    tries.asMap().forEach((k, t) -> {
      synchronized (t) {
        if (t.lockedUntil != null && t.lockedUntil.isAfter(now)) {
          out.add(new Lockout(k.door(), k.subject(), k.address(), t.lockedUntil, t.lockouts));
        }
      }
    });
    buckets.asMap().forEach((k, b) -> {
      synchronized (b) {
        if (b.lockedUntil != null && b.lockedUntil.isAfter(now)) {
          out.add(new Lockout(k.door(), "*", k.address(), b.lockedUntil, 1));
        }
      }
    });
    for (Lockout l : remote.values()) {
      if (l.until().isAfter(now)) {
        out.add(l);
      }
    }
    out.sort(Comparator.comparing(Lockout::until));
    return out;
  }

  /**
   * Lifts the lockouts that match (a null argument matches anything), forgetting their failures.
   *
   * @return how many were lifted
   */
  public int lift(Door door, String subject, String address) {
    Instant now = clock.instant();
    int[] n = {0};
    tries.asMap().forEach((k, t) -> {
      if ((door == null || k.door() == door) && (subject == null || k.subject().equals(subject)) && (address == null || k.address().equals(address))) {
        synchronized (t) {
          if (t.lockedUntil != null && t.lockedUntil.isAfter(now)) {
            n[0]++;
          }
          t.lockedUntil = null;
          t.failures.clear();
          t.lockouts = 0;
        }
      }
    });
    buckets.asMap().forEach((k, b) -> {
      if ((door == null || k.door() == door) && (subject == null || subject.equals("*")) && (address == null || k.address().equals(address))) {
        synchronized (b) {
          if (b.lockedUntil != null && b.lockedUntil.isAfter(now)) {
            n[0]++;
          }
          b.lockedUntil = null;
          b.tokens = policies.get(k.door()).burst();
          b.refilledAt = now;
        }
      }
    });
    for (Lockout l : remote.values()) {
      if ((door == null || l.door() == door) && (subject == null || l.subject().equals(subject)) && (address == null || l.address().equals(address))
          && l.until().isAfter(now)) {
        n[0]++;
      }
    }
    if (shared != SharedFailures.NONE) {
      shared.lift(door, subject, address);
      reloadShared();
      announce.run();
    }
    return n[0];
  }
}
