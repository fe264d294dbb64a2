package dev.gatehouse.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The verdict cache stays within its size, and a flood of new tokens evicts gradually, not everything at once. */
class TokenCacheTest {
  @Test
  void aFloodOfNewTokens_evictsATenthAtATime_notEveryone() {
    TokenCache<String> cache = new TokenCache<>(1000);
    for (int i = 0; i < 1000; i++) {
      cache.put("victim-" + i, "v");
    }
    cache.put("flood-0", "f");
    assertThat(cache.size()).isLessThanOrEqualTo(1000);
    int survivors = 0;
    for (int i = 0; i < 1000; i++) {
      if (cache.get("victim-" + i) != null) {
        survivors++;
      }
    }
    assertThat(survivors).as("verdicts kept after one eviction round").isGreaterThanOrEqualTo(900);
    for (int i = 1; i < 5000; i++) {
      cache.put("flood-" + i, "f");
      assertThat(cache.size()).isLessThanOrEqualTo(1000);
    }
  }

  @Test
  void sizeZero_keepsNothing() {
    TokenCache<String> cache = new TokenCache<>(0);
    cache.put("a", "v");
    assertThat(cache.get("a")).isNull();
  }
}
