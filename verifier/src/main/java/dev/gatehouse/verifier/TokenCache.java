package dev.gatehouse.verifier;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Verdicts on tokens already checked, so a token seen before costs a map lookup instead of an RSA
 * verification. Bounded crudely but safely: when full it is emptied, which costs one RSA check
 * per live token afterwards and never serves a stale verdict (callers re-check expiry and that
 * the signing key is still published on every hit). Thread-safe.
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
      map.clear();
    }
    map.put(token, verdict);
  }

  void remove(String token) {
    map.remove(token);
  }

  int size() {
    return map.size();
  }
}
