package dev.gatehouse.store;

import dev.gatehouse.operators.OperatorToken;
import dev.gatehouse.operators.OperatorTokenRepository;
import dev.gatehouse.operators.Role;
import java.time.Instant;
import java.util.List;

/** Operator tokens in {@code operator_tokens}. Thread-safe. */
public final class JdbcOperatorTokenRepository implements OperatorTokenRepository {
  private final Jdbc jdbc;

  public JdbcOperatorTokenRepository(Database db) {
    this.jdbc = new Jdbc(db);
  }

  @Override
  public List<OperatorToken> findAll() {
    return jdbc.query("SELECT id, name, role, token_hash, created_at, revoked_at FROM operator_tokens ORDER BY created_at, id", ps -> {},
        rs -> new OperatorToken(rs.getString(1), rs.getString(2), Role.valueOf(rs.getString(3)), rs.getString(4),
            Instant.ofEpochMilli(rs.getLong(5)), Jdbc.instant(rs, 6)));
  }

  @Override
  public void insert(OperatorToken t) {
    int n = jdbc.update("INSERT INTO operator_tokens (id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)", ps -> {
      ps.setString(1, t.id());
      ps.setString(2, t.name());
      ps.setString(3, t.role().name());
      ps.setString(4, t.tokenHash());
      ps.setLong(5, t.createdAt().toEpochMilli());
    });
    if (n != 1) {
      throw new StoreException("operator token " + t.id() + " was not inserted", null);
    }
  }

  @Override
  public boolean revoke(String id, Instant at) {
    return jdbc.update("UPDATE operator_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", ps -> {
      ps.setLong(1, at.toEpochMilli());
      ps.setString(2, id);
    }) == 1;
  }
}
