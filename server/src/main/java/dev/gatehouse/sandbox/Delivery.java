package dev.gatehouse.sandbox;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.ClientId;
import java.time.Instant;

/**
 * One webhook notification owed to an app: the exact body to send, where, and how it has gone so
 * far. {@code state} is {@link #PENDING} until it is {@link #DELIVERED} or {@link #DROPPED} (its
 * retries ran out, or the app or its subscription went away).
 */
public record Delivery(
    long id,
    AccountId account,
    ClientId clientId,
    String conversationId,
    String eventType,
    String endpoint,
    String body,
    String state,
    int attempts,
    int maxRetries,
    Instant createdAt,
    Instant nextAttemptAt,
    Instant finishedAt,
    String lastResult) {
  public static final String PENDING = "PENDING";
  public static final String DELIVERED = "DELIVERED";
  public static final String DROPPED = "DROPPED";

  /** A new delivery, due at once (its id is given by the store). */
  static Delivery owed(AccountId account, ClientId clientId, String conversationId, String eventType, String endpoint, String body, int maxRetries,
      Instant now) {
    return new Delivery(0, account, clientId, conversationId, eventType, endpoint, body, PENDING, 0, maxRetries, now, now, null, null);
  }
}
