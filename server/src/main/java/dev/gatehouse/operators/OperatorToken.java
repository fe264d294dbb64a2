package dev.gatehouse.operators;

import java.time.Instant;

/** A named operator token as kept: its hash only, never the token. */
public record OperatorToken(String id, String name, Role role, String tokenHash, Instant createdAt, Instant revokedAt) {
  @Override
  public String toString() {
    return "OperatorToken[" + id + " " + name + " " + role + (revokedAt != null ? " revoked" : "") + "]";
  }
}
