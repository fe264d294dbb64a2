package dev.gatehouse.store;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.sandbox.SandboxSettings;
import dev.gatehouse.sandbox.SandboxSettingsRepository;
import java.time.Instant;
import java.util.Optional;

/** Each account's sandbox settings in {@code sandbox_settings}, one row per account. Thread-safe. */
public final class JdbcSandboxSettingsRepository implements SandboxSettingsRepository {
  private final Jdbc jdbc;

  public JdbcSandboxSettingsRepository(Database db) {
    this.jdbc = new Jdbc(db);
  }

  @Override
  public Optional<SandboxSettings> find(AccountId account) {
    return jdbc.query("SELECT agent, webhook_delay_ms, webhook_delay_share, webhook_fail_share, webhook_duplicate_share, webhook_reorder_share,"
        + " send_error_share, send_error_status FROM sandbox_settings WHERE account_id = ?", ps -> ps.setString(1, account.value()),
        rs -> new SandboxSettings(SandboxSettings.Agent.valueOf(rs.getString(1)), rs.getInt(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5),
            rs.getDouble(6), rs.getDouble(7), rs.getInt(8))).stream().findFirst();
  }

  @Override
  public void save(AccountId account, SandboxSettings s, Instant at) {
    jdbc.transaction(c -> {
      try (java.sql.PreparedStatement del = c.prepareStatement("DELETE FROM sandbox_settings WHERE account_id = ?")) {
        del.setString(1, account.value());
        del.executeUpdate();
      }
      try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO sandbox_settings (account_id, agent, webhook_delay_ms,"
          + " webhook_delay_share, webhook_fail_share, webhook_duplicate_share, webhook_reorder_share, send_error_share, send_error_status,"
          + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, account.value());
        ps.setString(2, s.agent().name());
        ps.setInt(3, s.webhookDelayMs());
        ps.setDouble(4, s.webhookDelayShare());
        ps.setDouble(5, s.webhookFailShare());
        ps.setDouble(6, s.webhookDuplicateShare());
        ps.setDouble(7, s.webhookReorderShare());
        ps.setDouble(8, s.sendErrorShare());
        ps.setInt(9, s.sendErrorStatus());
        ps.setLong(10, at.toEpochMilli());
        ps.executeUpdate();
      }
      return null;
    });
  }
}
