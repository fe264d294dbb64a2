package dev.gatehouse.consumers;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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

  /** Deletes the record. @return whether there was one */
  boolean delete(String accountId, String lpConsumerId);

  /** Marks the consumer revoked (and erased, when {@code erasedAt} is given). */
  void revoke(String accountId, String lpConsumerId, Instant revokedAt, Instant erasedAt);

  /** @return whether it was revoked and is restored now (erased consumers cannot be restored) */
  boolean restore(String accountId, String lpConsumerId);

  /** Every revoked consumer as {@code account/lp}. */
  Set<String> revoked();
}
