package dev.gatehouse.store;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppRepository;
import dev.gatehouse.apps.ClientId;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** App installations in the {@code apps} table. Thread-safe. */
public final class JdbcAppRepository implements AppRepository {
  private final Jdbc jdbc;

  public JdbcAppRepository(Database db) {
    this.jdbc = new Jdbc(db);
  }

  private static final String SELECT = "SELECT client_id, account_id, name, secret_hash, scope, enabled, created_at, updated_at,"
      + " previous_secret_hash, previous_secret_expires_at, tokens_not_before, webhooks, secret_sealed FROM apps";

  @Override
  public List<App> findAll() {
    return jdbc.query(SELECT, ps -> {}, JdbcAppRepository::row);
  }

  @Override
  public java.util.Optional<App> find(ClientId id) {
    return jdbc.query(SELECT + " WHERE client_id = ?", ps -> ps.setString(1, id.value()), JdbcAppRepository::row).stream().findFirst();
  }

  private static App row(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new App(
            new ClientId(rs.getString(1)),
            new AccountId(rs.getString(2)),
            rs.getString(3),
            rs.getString(4),
            Arrays.asList(rs.getString(5).split(" ")),
            rs.getBoolean(6),
            Instant.ofEpochMilli(rs.getLong(7)),
            Instant.ofEpochMilli(rs.getLong(8)),
            rs.getString(9),
            Jdbc.instant(rs, 10),
            Jdbc.instant(rs, 11),
            dev.gatehouse.apps.WebhookConfig.fromStorage(rs.getString(12)),
            rs.getString(13));
  }

  @Override
  public void insert(App a) {
    int n = jdbc.update(
        "INSERT INTO apps (client_id, account_id, name, secret_hash, scope, enabled, created_at, updated_at, webhooks, secret_sealed)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ps -> {
          ps.setString(1, a.clientId().value());
          ps.setString(2, a.accountId().value());
          ps.setString(3, a.name());
          ps.setString(4, a.secretHash());
          ps.setString(5, a.scope());
          ps.setBoolean(6, a.enabled());
          ps.setLong(7, a.createdAt().toEpochMilli());
          ps.setLong(8, a.updatedAt().toEpochMilli());
          ps.setString(9, a.webhooks() == null ? null : a.webhooks().toStorage());
          ps.setString(10, a.sealedSecret());
        });
    if (n != 1) {
      throw new StoreException("app " + a.clientId() + " was not inserted (" + n + ")", null);
    }
  }

  @Override
  public boolean update(App a) {
    return jdbc.update(
            "UPDATE apps SET enabled = ?, updated_at = ?, secret_hash = ?, previous_secret_hash = ?,"
                + " previous_secret_expires_at = ?, tokens_not_before = ?, webhooks = ?, secret_sealed = ? WHERE client_id = ?",
            ps -> {
              ps.setBoolean(1, a.enabled());
              ps.setLong(2, a.updatedAt().toEpochMilli());
              ps.setString(3, a.secretHash());
              ps.setString(4, a.previousSecretHash());
              Jdbc.setInstant(ps, 5, a.previousSecretExpiresAt());
              Jdbc.setInstant(ps, 6, a.tokensNotBefore());
              ps.setString(7, a.webhooks() == null ? null : a.webhooks().toStorage());
              ps.setString(8, a.sealedSecret());
              ps.setString(9, a.clientId().value());
            })
        == 1;
  }
}
