package dev.gatehouse.sandbox;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.ClientId;
import java.time.Instant;

/**
 * One sandbox conversation: who opened it (the app and its consumer), the agent assigned (null
 * until one is), whether it is open, and the two counters its events take numbers from: {@code
 * nextSequence} for published events (the Send API's {@code sequence}), {@code nextEvent} for
 * every event kept. Its main dialog's id is its own id.
 */
public record Conversation(
    String id,
    AccountId account,
    ClientId clientId,
    String lpConsumerId,
    String skillId,
    String ttrType,
    String agentId,
    boolean open,
    String closeReason,
    Instant startedAt,
    Instant endedAt,
    Instant updatedAt,
    int nextSequence,
    int nextEvent) {

  Conversation withAgent(String agent, Instant now) {
    return new Conversation(id, account, clientId, lpConsumerId, skillId, ttrType, agent, open, closeReason, startedAt, endedAt, now, nextSequence,
        nextEvent);
  }

  Conversation closed(String reason, Instant now) {
    return new Conversation(id, account, clientId, lpConsumerId, skillId, ttrType, agentId, false, reason, startedAt, now, now, nextSequence,
        nextEvent);
  }

  Conversation counted(int sequence, int event, Instant now) {
    return new Conversation(id, account, clientId, lpConsumerId, skillId, ttrType, agentId, open, closeReason, startedAt, endedAt, now, sequence,
        event);
  }
}
