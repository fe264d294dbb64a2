package dev.gatehouse.accounts;

import java.time.Instant;

/** An account as stored: its consumer-id key sealed under the master key. */
public record StoredAccount(String id, String name, String sealedConsumerIdKey, Instant createdAt) {}
