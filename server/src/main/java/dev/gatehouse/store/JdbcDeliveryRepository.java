package dev.gatehouse.store;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.sandbox.Delivery;
import dev.gatehouse.sandbox.DeliveryRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The webhook delivery queue in {@code sandbox_deliveries}. A claim is a conditional update (the
 * lease must have run out), so of several nodes claiming one delivery exactly one wins, on H2 and
 * PostgreSQL alike, without row locks held across the send. Thread-safe.
 */
public final class JdbcDeliveryRepository implements DeliveryRepository {
  private static final String COLUMNS = "id, account_id, client_id, conversation_id, event_type, endpoint, body, state, attempts, max_retries,"
      + " created_at, next_attempt_at, finished_at, last_result";
  private final Jdbc jdbc;

  public JdbcDeliveryRepository(Database db) {
    this.jdbc = new Jdbc(db);
  }

  /** Inserts new deliveries inside the caller's transaction. */
  static void insert(Connection c, List<Delivery> deliveries) throws SQLException {
    if (deliveries.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO sandbox_deliveries (account_id, client_id, conversation_id, event_type, endpoint,"
        + " body, state, attempts, max_retries, created_at, next_attempt_at, lease_until, claim_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)")) {
      for (Delivery d : deliveries) {
        ps.setString(1, d.account().value());
        ps.setString(2, d.clientId().value());
        ps.setString(3, d.conversationId());
        ps.setString(4, d.eventType());
        ps.setString(5, d.endpoint());
        ps.setString(6, d.body());
        ps.setString(7, d.state());
        ps.setInt(8, d.attempts());
        ps.setInt(9, d.maxRetries());
        ps.setLong(10, d.createdAt().toEpochMilli());
        ps.setLong(11, d.nextAttemptAt().toEpochMilli());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public List<Delivery> due(Instant now, int limit) {
    long t = now.toEpochMilli();
    return jdbc.query("SELECT " + COLUMNS + " FROM sandbox_deliveries WHERE state = 'PENDING' AND next_attempt_at <= ? AND lease_until <= ?"
        + " ORDER BY state, next_attempt_at, id LIMIT ?", ps -> { // the index's order (V13): read a page off it, never sort the backlog
          ps.setLong(1, t);
          ps.setLong(2, t);
          ps.setInt(3, limit);
        }, JdbcDeliveryRepository::row);
  }

  /** One conditional update for the lot (the lease must have run out), then which of them carry this claim's token. */
  @Override
  public List<Long> claim(List<Long> ids, Instant now, Instant leaseUntil, long token) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<Long> list = Jdbc.padded(ids);
    String in = Jdbc.placeholders(list.size());
    return jdbc.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE sandbox_deliveries SET lease_until = ?, claim_token = ? WHERE id IN (" + in + ")"
          + " AND state = 'PENDING' AND lease_until <= ?")) {
        ps.setLong(1, leaseUntil.toEpochMilli());
        ps.setLong(2, token);
        int i = 3;
        for (long id : list) {
          ps.setLong(i++, id);
        }
        ps.setLong(i, now.toEpochMilli());
        ps.executeUpdate();
      }
      List<Long> won = new java.util.ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM sandbox_deliveries WHERE id IN (" + in + ") AND claim_token = ?"
          + " AND lease_until = ? ORDER BY id")) {
        int i = 1;
        for (long id : list) {
          ps.setLong(i++, id);
        }
        ps.setLong(i++, token);
        ps.setLong(i, leaseUntil.toEpochMilli());
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            won.add(rs.getLong(1));
          }
        }
      }
      return won;
    });
  }

  @Override
  public void delivered(List<Long> ids, Instant at, String result) {
    if (ids.isEmpty()) {
      return;
    }
    List<Long> list = Jdbc.padded(ids);
    String in = Jdbc.placeholders(list.size());
    jdbc.update("UPDATE sandbox_deliveries SET state = 'DELIVERED', attempts = attempts + 1, finished_at = ?, last_result = ?, lease_until = 0"
        + " WHERE id IN (" + in + ")", ps -> {
          ps.setLong(1, at.toEpochMilli());
          ps.setString(2, clip(result));
          int i = 3;
          for (long id : list) {
            ps.setLong(i++, id);
          }
        });
  }

  @Override
  public void dropped(long id, int attempts, Instant at, String result) {
    finish(id, Delivery.DROPPED, attempts, at, result);
  }

  private void finish(long id, String state, int attempts, Instant at, String result) {
    jdbc.update("UPDATE sandbox_deliveries SET state = ?, attempts = ?, finished_at = ?, last_result = ?, lease_until = 0 WHERE id = ?", ps -> {
      ps.setString(1, state);
      ps.setInt(2, attempts);
      ps.setLong(3, at.toEpochMilli());
      ps.setString(4, clip(result));
      ps.setLong(5, id);
    });
  }

  @Override
  public void retryLater(long id, int attempts, Instant nextAttempt, String result) {
    jdbc.update("UPDATE sandbox_deliveries SET attempts = ?, next_attempt_at = ?, last_result = ?, lease_until = 0 WHERE id = ?", ps -> {
      ps.setInt(1, attempts);
      ps.setLong(2, nextAttempt.toEpochMilli());
      ps.setString(3, clip(result));
      ps.setLong(4, id);
    });
  }

  @Override
  public void postpone(long id, Instant nextAttempt) {
    jdbc.update("UPDATE sandbox_deliveries SET next_attempt_at = ?, lease_until = 0 WHERE id = ?", ps -> {
      ps.setLong(1, nextAttempt.toEpochMilli());
      ps.setLong(2, id);
    });
  }

  /**
   * A page of an account's deliveries, newest first. Ordered by the index's whole key (the account
   * is fixed, so it means the same as by id alone), which H2 then reads in order and stops at the
   * page's end; ordered by id alone it read and sorted all the account's deliveries at every page.
   */
  static String listPage(boolean byState) {
    return "SELECT " + COLUMNS + " FROM sandbox_deliveries WHERE account_id = ? AND id < ?" + (byState ? " AND state = ?" : "")
        + " ORDER BY account_id DESC, id DESC LIMIT ?";
  }

  @Override
  public List<Delivery> list(AccountId account, String state, long beforeId, int limit) {
    return jdbc.query(listPage(state != null), ps -> {
          ps.setString(1, account.value());
          ps.setLong(2, beforeId <= 0 ? Long.MAX_VALUE : beforeId);
          int i = 3;
          if (state != null) {
            ps.setString(i++, state);
          }
          ps.setInt(i, limit);
        }, JdbcDeliveryRepository::row);
  }

  @Override
  public long pending() {
    return jdbc.query("SELECT COUNT(*) FROM sandbox_deliveries WHERE state = 'PENDING'", ps -> {}, rs -> rs.getLong(1)).get(0);
  }

  @Override
  public int purge(Instant cutoff) {
    return jdbc.update("DELETE FROM sandbox_deliveries WHERE state <> 'PENDING' AND finished_at < ?", ps -> ps.setLong(1, cutoff.toEpochMilli()));
  }

  private static String clip(String s) {
    return s == null || s.length() <= 300 ? s : s.substring(0, 300);
  }

  private static Delivery row(java.sql.ResultSet rs) throws SQLException {
    return new Delivery(rs.getLong(1), new AccountId(rs.getString(2)), new ClientId(rs.getString(3)), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9), rs.getInt(10), Instant.ofEpochMilli(rs.getLong(11)),
        Instant.ofEpochMilli(rs.getLong(12)), Jdbc.instant(rs, 13), rs.getString(14));
  }
}
