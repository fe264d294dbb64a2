package dev.gatehouse.tokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.accounts.Account;
import dev.gatehouse.consumers.LpConsumerId;
import dev.gatehouse.keys.SigningKey;
import dev.gatehouse.keys.SigningKeys;

/**
 * Issues ConsumerJWS (IDP): RS256 with the active consumer-token key, exactly the claims
 * {@code account_id}, {@code ext_consumer_id}, {@code lp_consumer_id} and nothing else. The token
 * has no time claims and never expires, as documented.
 *
 * <p>A ConsumerJWS depends only on the account, the external id and the signing key, and RS256
 * (PKCS#1 v1.5) signatures are deterministic, so a consumer issued before gets the very same token
 * from a bounded cache without a new signature. Entries are tied to the key that signed them: after
 * a rotation the next request signs afresh.
 *
 * <p>A token is cached on a consumer's second issuance, not its first: most consumers of a busy
 * connector are seen once or seldom, and a cache that keeps every first token turns its whole
 * content over at the rate of new consumers, each entry living long enough to be promoted to the
 * old generation and to die there. Measured under consumer-new load (every request a new
 * consumer): the old generation grew ~3 MB a second and was collected in full every ~10 s
 * (57-82 ms pauses). Who was issued a token once is a fixed table of fingerprints ({@link
 * #issuedOnce}, 1 MiB), so telling costs no allocation; a consumer asked for again after its slot
 * was taken is signed once more and cached then. That holds for RS256, whose signatures are
 * deterministic, so the second signature is the first token again; ES256 signatures are randomised,
 * so ES256 tokens are kept from the first issuance and a consumer keeps the token it was given.
 *
 * <p>Thread-safe.
 */
public final class ConsumerTokenIssuer {
  private final SigningKeys keys;
  private final Cache<CacheKey, ConsumerToken> issued;
  /**
   * Consumers issued a token lately: one slot per 17 bits of their fingerprint ({@link
   * LpConsumerId#fingerprint}) holding the whole fingerprint. A later consumer may take the slot.
   */
  private final java.util.concurrent.atomic.AtomicLongArray issuedOnce = new java.util.concurrent.atomic.AtomicLongArray(SLOTS);
  private static final int SLOTS = 1 << 17;

  private record CacheKey(String account, String extConsumerId) {}

  /** The heap one cached token of a typical consumer takes (a short external id): about 1 KB. */
  static final long TYPICAL_ENTRY_BYTES = 1_100;

  /**
   * @param cacheSize how many typical tokens the cache holds; 0 turns it off. It is bounded by their
   *     heap ({@link #weight}), so external ids of 256 characters outside Latin-1, whose tokens
   *     take about 3 KB each, cannot make it hold three times the heap
   */
  public ConsumerTokenIssuer(SigningKeys keys, long cacheSize) {
    this.keys = keys;
    // evictions are done by the thread that adds (Caffeine batches them), not handed to the common
    // pool: under consumer-new load, where every request adds a token, the hand-off cost ~20 us of
    // CPU per request in pool threads waking and parking, for work of about a microsecond
    this.issued = Caffeine.newBuilder().maximumWeight(cacheSize * TYPICAL_ENTRY_BYTES).weigher(ConsumerTokenIssuer::weight)
        .executor(Runnable::run).recordStats().build();
  }

  /**
   * Estimated heap of an entry: the external id (two bytes a character at worst), the token (one),
   * the account, the lp id and the objects around them.
   */
  static int weight(CacheKey key, ConsumerToken token) {
    return key.extConsumerId().length() * 2 + token.token().length() + key.account().length() + 300;
  }

  /** A signed ConsumerJWS, the consumer's stable id, and the kid that signed it. */
  public record ConsumerToken(String token, LpConsumerId lpConsumerId, String kid) {
    @Override
    public String toString() {
      return "ConsumerToken[" + lpConsumerId + " " + kid + "]";
    }
  }

  /**
   * @param extConsumerId already validated ({@link dev.gatehouse.consumers.ExtConsumerId})
   * @param lp its id, {@code account.consumerIdKey().derive(extConsumerId)}
   */
  public ConsumerToken issue(Account account, String extConsumerId, LpConsumerId lp) {
    SigningKey key = keys.rings().consumer().active();
    CacheKey ck = new CacheKey(account.id().value(), extConsumerId);
    ConsumerToken cached = issued.getIfPresent(ck);
    if (cached != null && cached.kid().equals(key.kid())) {
      return cached;
    }
    String claims = new ClaimsJson()
        .put("account_id", account.id().value())
        .put("ext_consumer_id", extConsumerId)
        .put("lp_consumer_id", lp.value())
        .json();
    ConsumerToken t = new ConsumerToken(key.sign(claims), lp, key.kid());
    long f = LpConsumerId.fingerprint(ck.account(), lp.value());
    int slot = (int) f & (SLOTS - 1);
    if (issuedOnce.get(slot) == f || !key.algorithm().deterministic()) {
      // the second time: worth keeping; and an ES256 token is kept from the first, so that a
      // consumer asked for again gets the token it has, not another signature of the same claims
      issued.put(ck, t);
    }
    issuedOnce.set(slot, f);
    return t;
  }

  /**
   * Whether this consumer was issued a token lately: its token is cached (with the active key), or
   * it was issued one once and its slot is still its own.
   */
  public boolean issuedLately(Account account, String extConsumerId, LpConsumerId lp) {
    long f = LpConsumerId.fingerprint(account.id().value(), lp.value());
    if (issuedOnce.get((int) f & (SLOTS - 1)) == f) {
      return true;
    }
    // through the map view, which records no cache statistics: this is not a use of the cache
    ConsumerToken t = issued.asMap().get(new CacheKey(account.id().value(), extConsumerId));
    return t != null && t.kid().equals(keys.rings().consumer().active().kid());
  }

  /** The cache, for metrics. */
  public Cache<?, ?> cache() {
    return issued;
  }
}
