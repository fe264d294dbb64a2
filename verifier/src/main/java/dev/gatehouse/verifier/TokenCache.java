package dev.gatehouse.verifier;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Verdicts on tokens already checked, so a token seen before costs a map lookup instead of an RSA
 * verification. Bounded: when full, about a tenth of the entries (in the map's hash order, which
 * no client controls: the keys are whole signed tokens) is dropped, so one tenant that floods it
 * with new tokens costs others at most a tenth of their verdicts per round, never all of them at
 * once. It never serves a stale verdict: callers re-check expiry and that the signing key is still
 * published on every hit. Thread-safe.
 */
final class TokenCache<V> {
  private final ConcurrentHashMap<String, V> map;
  private final int max;

  TokenCache(int max) {
    this.max = max;
    this.map = new ConcurrentHashMap<>(Math.min(max, 1024));
  }

  V get(String token) {
    return max == 0 ? null : map.get(token);
  }

  void put(String token, V verdict) {
    if (max == 0) {
      return;
    }
    if (map.size() >= max) {
      evictSome();
    }
    map.put(token, verdict);
  }

  private void evictSome() {
    int drop = Math.max(1, max / 10);
    var it = map.keySet().iterator();
    while (drop-- > 0 && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  void remove(String token) {
    map.remove(token);
  }

  int size() {
    return map.size();
  }
}
