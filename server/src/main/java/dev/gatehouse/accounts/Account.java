package dev.gatehouse.accounts;

import dev.gatehouse.consumers.ConsumerIdKey;
import java.time.Instant;

/** A brand account, with the key its consumers' {@code lp_consumer_id}s are derived from. */
public record Account(AccountId id, String name, Instant createdAt, ConsumerIdKey consumerIdKey) {
  @Override
  public String toString() {
    return "Account[" + id + "]";
  }
}
