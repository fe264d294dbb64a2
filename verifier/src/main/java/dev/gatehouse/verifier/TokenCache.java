package dev.gatehouse.verifier;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Verdicts on tokens already checked, so a token seen before costs a map lookup instead of an RSA
 * verification. Bounded twice: by entries, and by the heap they take, estimated from the tokens'
 * lengths ({@link #cost}), because every entry holds a whole token and its claims (about 1 KB for a
 * ConsumerJWS), and a client that mints new consumers can present a new token with every request.
 * When either bound would be passed, about a tenth of the entries (in the map's hash order, which no
 * client controls: the keys are whole signed tokens) is dropped, so one tenant that floods it with
 * new tokens costs others at most a tenth of their verdicts per round, never all of them at once.
 * It never serves a stale verdict: callers re-check expiry and that the signing key is still
 * published on every hit. Thread-safe; the bounds may be passed briefly by the puts of threads
 * racing an eviction, by at most one entry each.
 */
final class TokenCache<V> {
  /**
   * Per entry beyond the token's characters: the map's node and table slot, the String's header,
   * and the verdict, whose strings are claims decoded from the token (at most 3/4 of its length).
   */
  static long cost(String token) {
    return token.length() * 7L / 4 + 160;
  }

  private final ConcurrentHashMap<String, V> map;
  private final int maxEntries;
  private final long maxBytes;
  private final AtomicLong bytes = new AtomicLong();

  /** @param maxEntries 0 keeps nothing; @param maxBytes the estimated heap the entries may take */
  TokenCache(int maxEntries, long maxBytes) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.map = new ConcurrentHashMap<>(Math.min(maxEntries, 1024));
  }

  V get(String token) {
    return maxEntries == 0 ? null : map.get(token);
  }

  void put(String token, V verdict) {
    long c = cost(token);
    if (maxEntries == 0 || c > maxBytes) {
      return;
    }
    if (map.size() >= maxEntries || bytes.get() + c > maxBytes) {
      evictSome();
    }
    if (map.put(token, verdict) == null) {
      bytes.addAndGet(c);
    }
  }

  /** Drops about a tenth of the entries and at least what brings the estimate under 90% of its bound. */
  private void evictSome() {
    int drop = Math.max(1, map.size() / 10);
    long target = maxBytes - maxBytes / 10;
    Iterator<String> it = map.keySet().iterator();
    while ((drop > 0 || bytes.get() > target) && it.hasNext()) {
      remove(it.next());
      drop--;
    }
  }

  void remove(String token) {
    if (map.remove(token) != null) {
      bytes.addAndGet(-cost(token));
    }
  }

  int size() {
    return map.size();
  }

  /** The estimated heap the entries take now. */
  long bytes() {
    return bytes.get();
  }
}
