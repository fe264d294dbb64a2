package dev.gatehouse.sandbox;

import dev.gatehouse.accounts.AccountId;
import java.time.Instant;
import java.util.List;

/**
 * The durable queue of webhook deliveries. Several nodes may work it: a node {@link #claim}s a due
 * delivery for a lease before sending it, and only one claim of a delivery wins until the lease
 * runs out (a node that dies mid-send leaves it to another after the lease). Implementations are
 * thread-safe.
 */
public interface DeliveryRepository {
  /** Pending deliveries due by {@code now} and not leased, oldest first. */
  List<Delivery> due(Instant now, int limit);

  /**
   * Claims those of {@code ids} that are still pending and not leased, until {@code leaseUntil}.
   *
   * @param token a random number naming this claim, so the claimer can tell which it won
   * @return the ids this caller now holds
   */
  List<Long> claim(List<Long> ids, Instant now, Instant leaseUntil, long token);

  /** Delivered: each a success after one more attempt. */
  void delivered(List<Long> ids, Instant at, String result);

  /** A failed attempt: pending again from {@code nextAttempt}. */
  void retryLater(long id, int attempts, Instant nextAttempt, String result);

  /** Given up: the retries ran out, or there is no one to deliver to. */
  void dropped(long id, int attempts, Instant at, String result);

  /** Releases a claim without an attempt: due again at {@code nextAttempt}. */
  void postpone(long id, Instant nextAttempt);

  /** One page of an account's deliveries, newest first, with ids below {@code beforeId} (0: from the newest); {@code state} null for all. */
  List<Delivery> list(AccountId account, String state, long beforeId, int limit);

  /** How many are pending. */
  long pending();

  /** Forgets finished deliveries finished before {@code cutoff}. @return how many */
  int purge(Instant cutoff);
}
