package dev.gatehouse.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The verdict cache stays within its size and its memory, and a flood of new tokens evicts gradually, not everything at once. */
class TokenCacheTest {
  @Test
  void aFloodOfNewTokens_evictsATenthAtATime_notEveryone() {
    TokenCache<String> cache = new TokenCache<>(1000, Long.MAX_VALUE);
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
    TokenCache<String> cache = new TokenCache<>(0, Long.MAX_VALUE);
    cache.put("a", "v");
    assertThat(cache.get("a")).isNull();
  }

  @Test
  void aFloodOfLongTokens_staysWithinItsMemory_andKeepsMostVictims() {
    long max = 1 << 20;
    TokenCache<String> cache = new TokenCache<>(100_000, max);
    String pad = "x".repeat(800);
    long each = TokenCache.cost("victim-0000" + pad);
    int fits = (int) (max / each);
    for (int i = 0; i < fits; i++) {
      cache.put(String.format("victim-%04d", i) + pad, "v");
    }
    assertThat(cache.size()).isEqualTo(fits);
    cache.put("flood-00000" + pad, "f");
    int survivors = 0;
    for (int i = 0; i < fits; i++) {
      if (cache.get(String.format("victim-%04d", i) + pad) != null) {
        survivors++;
      }
    }
    assertThat(survivors).as("verdicts kept after one eviction round").isGreaterThanOrEqualTo(fits * 8 / 10);
    for (int i = 1; i < 20_000; i++) {
      cache.put(String.format("flood-%05d", i) + pad, "f");
      assertThat(cache.bytes()).isLessThanOrEqualTo(max);
    }
    assertThat(cache.size()).as("entries kept at the end").isGreaterThan(fits / 2).isLessThanOrEqualTo(fits);
    assertThat(cache.bytes()).isEqualTo(cache.size() * each);
  }

  @Test
  void removing_givesItsMemoryBack_andATokenOverTheBoundIsNotKept() {
    TokenCache<String> cache = new TokenCache<>(100, 4096);
    cache.put("a".repeat(1000), "v");
    assertThat(cache.bytes()).isEqualTo(TokenCache.cost("a".repeat(1000)));
    cache.put("a".repeat(1000), "v2"); // the same token again costs nothing more
    assertThat(cache.bytes()).isEqualTo(TokenCache.cost("a".repeat(1000)));
    cache.remove("a".repeat(1000));
    cache.remove("a".repeat(1000));
    assertThat(cache.bytes()).isZero();
    cache.put("b".repeat(4000), "v");
    assertThat(cache.get("b".repeat(4000))).isNull();
    assertThat(cache.bytes()).isZero();
  }
}
