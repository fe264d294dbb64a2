package dev.gatehouse.consumers;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where consumer records and revocations are kept. Implementations are thread-safe. */
public interface ConsumerRepository {
  /**
   * The store refused records for good (a value it cannot hold, a constraint), as opposed to being
   * unreachable: writing them again will not help.
   */
  final class RejectedRecordsException extends RuntimeException {
    public RejectedRecordsException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Inserts new consumers and moves {@code last_seen} forward for known ones; idempotent.
   *
   * @throws RejectedRecordsException when the store refuses a record for good
   */
  void recordAll(List<ConsumerRecord> sightings);

  Optional<ConsumerRecord> find(String accountId, String lpConsumerId);

  /** An account's consumers ordered by lp id, those after {@code afterLp} (or from the start when null). */
  List<ConsumerRecord> list(String accountId, String afterLp, int limit);

  /** Marks the consumer revoked (kept if it is already). */
  void revoke(String accountId, String lpConsumerId, Instant at);

  /**
   * Forgets a consumer for good, in one transaction: it is revoked and marked erased, and its
   * record's external id is dropped. The record's key stays as a tombstone, which {@link #find},
   * {@link #list} and {@link #recordAll} pass over: a sighting written later (queued before the
   * erasure, here or on another node) cannot bring the external id back.
   *
   * @return whether it had a record
   */
  boolean erase(String accountId, String lpConsumerId, Instant at);

  /** @return whether it was revoked and is restored now (erased consumers cannot be restored) */
  boolean restore(String accountId, String lpConsumerId);

  /**
   * Hands over every revoked consumer (erased ones too), by account and lp id, a page at a time:
   * the store may hold millions.
   */
  void forEachRevoked(java.util.function.BiConsumer<String, String> each);

  /**
   * What the set of revoked consumers adds up to, computed by the store without handing the rows
   * over: equal summaries mean, but for a 64-bit hash collision, the same set. Null where the store
   * cannot tell cheaply, or no other process writes it (the embedded store).
   */
  String revokedSummary();
}
