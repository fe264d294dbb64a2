package dev.gatehouse.store;

import dev.gatehouse.limits.AuthFailureLimits;
import dev.gatehouse.limits.SharedFailures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Brute-force counts in PostgreSQL: one upsert per failure (the failures are the rare case; a
 * success touches nothing), counting in a window that starts at the first failure and locking out
 * in the same statement, so two nodes counting the same subject cannot both miss the threshold.
 */
public final class JdbcSharedFailures implements SharedFailures {
  private final Database db;
  private final Jdbc jdbc;

  public JdbcSharedFailures(Database db) {
    this.db = db;
    this.jdbc = new Jdbc(db);
  }

  @Override
  public AuthFailureLimits.Lockout fail(AuthFailureLimits.Door door, String subject, String address, Instant now, AuthFailureLimits.Policy p) {
    long t = now.toEpochMilli();
    long windowFloor = t - p.window().toMillis();
    // a fresh window when the old one is over; otherwise one more failure
    String sql = "INSERT INTO auth_failures (door, subject, address, window_start, failures, lockouts, locked_until) VALUES (?, ?, ?, ?, 1, 0, NULL)"
        + " ON CONFLICT (door, subject, address) DO UPDATE SET"
        + " failures = CASE WHEN auth_failures.window_start < ? THEN 1 ELSE auth_failures.failures + 1 END,"
        + " window_start = CASE WHEN auth_failures.window_start < ? THEN EXCLUDED.window_start ELSE auth_failures.window_start END"
        + " RETURNING failures, lockouts";
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      int failures;
      int lockouts;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, door.name());
        ps.setString(2, subject);
        ps.setString(3, address);
        ps.setLong(4, t);
        ps.setLong(5, windowFloor);
        ps.setLong(6, windowFloor);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          failures = rs.getInt(1);
          lockouts = rs.getInt(2);
        }
      }
      AuthFailureLimits.Lockout made = null;
      if (failures >= p.failures()) {
        int n = lockouts + 1;
        Instant until = now.plus(p.lockout(n));
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE auth_failures SET failures = 0, window_start = ?, lockouts = ?, locked_until = ? WHERE door = ? AND subject = ? AND address = ?")) {
          ps.setLong(1, t);
          ps.setInt(2, n);
          ps.setLong(3, until.toEpochMilli());
          ps.setString(4, door.name());
          ps.setString(5, subject);
          ps.setString(6, address);
          ps.executeUpdate();
        }
        made = new AuthFailureLimits.Lockout(door, subject, address, until, n);
      }
      c.commit();
      db.committed();
      return made;
    } catch (SQLException e) {
      throw new StoreException("counting a failed authentication failed: SQLSTATE " + e.getSQLState(), e);
    }
  }

  @Override
  public List<AuthFailureLimits.Lockout> active(Instant now) {
    return jdbc.query("SELECT door, subject, address, locked_until, lockouts FROM auth_failures WHERE locked_until > ?",
        ps -> ps.setLong(1, now.toEpochMilli()),
        rs -> new AuthFailureLimits.Lockout(AuthFailureLimits.Door.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3),
            Instant.ofEpochMilli(rs.getLong(4)), rs.getInt(5)));
  }

  @Override
  public void lift(AuthFailureLimits.Door door, String subject, String address) {
    jdbc.update("UPDATE auth_failures SET locked_until = NULL, failures = 0, lockouts = 0 WHERE (CAST(? AS VARCHAR) IS NULL OR door = ?)"
        + " AND (CAST(? AS VARCHAR) IS NULL OR subject = ?) AND (CAST(? AS VARCHAR) IS NULL OR address = ?)", ps -> {
          String d = door == null ? null : door.name();
          ps.setString(1, d);
          ps.setString(2, d);
          ps.setString(3, subject);
          ps.setString(4, subject);
          ps.setString(5, address);
          ps.setString(6, address);
        });
  }
}
