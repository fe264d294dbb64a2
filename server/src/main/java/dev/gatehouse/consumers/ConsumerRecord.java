package dev.gatehouse.consumers;

import java.time.Instant;

/** A consumer the IDP has issued a ConsumerJWS for. {@code toString()} leaves out the external id. */
public record ConsumerRecord(String accountId, String lpConsumerId, String extConsumerId, Instant firstSeen, Instant lastSeen) {
  @Override
  public String toString() {
    return "ConsumerRecord[" + accountId + "/" + lpConsumerId + "]";
  }
}
