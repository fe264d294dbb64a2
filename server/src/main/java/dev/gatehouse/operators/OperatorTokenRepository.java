package dev.gatehouse.operators;

import java.time.Instant;
import java.util.List;

/** Where operator tokens are kept. Implementations are thread-safe. */
public interface OperatorTokenRepository {
  List<OperatorToken> findAll();

  void insert(OperatorToken token);

  /** @return whether a token with this id was active and is revoked now */
  boolean revoke(String id, Instant at);
}
