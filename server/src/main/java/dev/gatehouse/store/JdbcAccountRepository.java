package dev.gatehouse.store;

import dev.gatehouse.accounts.AccountRepository;
import dev.gatehouse.accounts.StoredAccount;
import java.time.Instant;
import java.util.List;

/** Accounts in the {@code accounts} table. Thread-safe. */
public final class JdbcAccountRepository implements AccountRepository {
  private final Jdbc jdbc;

  public JdbcAccountRepository(Database db) {
    this.jdbc = new Jdbc(db);
  }

  @Override
  public List<StoredAccount> findAll() {
    return jdbc.query(
        "SELECT id, name, consumer_id_key_sealed, created_at FROM accounts ORDER BY id",
        ps -> {},
        rs -> new StoredAccount(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))));
  }

  @Override
  public boolean insert(StoredAccount a) {
    return jdbc.update(
            "INSERT INTO accounts (id, name, consumer_id_key_sealed, created_at) VALUES (?, ?, ?, ?)",
            ps -> {
              ps.setString(1, a.id());
              ps.setString(2, a.name());
              ps.setString(3, a.sealedConsumerIdKey());
              ps.setLong(4, a.createdAt().toEpochMilli());
            })
        == 1;
  }
}
