package dev.gatehouse.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The few JDBC moves every repository makes, with SQL errors turned into {@link StoreException}. */
final class Jdbc {
  /** SQLSTATE of a unique or primary key violation, in H2 and PostgreSQL alike. */
  static final String UNIQUE_VIOLATION = "23505";

  /**
   * The values for an {@code IN (...)} list, padded with copies of the last up to the next power of
   * two: the list means the same, and the statement's text then takes a few shapes instead of one
   * per length, so H2 reuses its parse (its per-session cache is keyed by the text) and PostgreSQL's
   * driver its prepared statement. Parsing anew for every length was about a seventh of the webhook
   * dispatcher's CPU.
   */
  static <T> List<T> padded(List<T> values) {
    int n = values.size();
    int shape = n <= 1 ? n : Integer.highestOneBit(n - 1) << 1;
    if (shape == n) {
      return values;
    }
    List<T> out = new java.util.ArrayList<>(shape);
    out.addAll(values);
    T last = values.get(n - 1);
    while (out.size() < shape) {
      out.add(last);
    }
    return out;
  }

  /** {@code ?, ?, ...}: {@code n} placeholders. */
  static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Binds an instant as epoch milliseconds, or SQL NULL. */
  static void setInstant(PreparedStatement ps, int col, java.time.Instant i) throws SQLException {
    if (i == null) {
      ps.setNull(col, java.sql.Types.BIGINT);
    } else {
      ps.setLong(col, i.toEpochMilli());
    }
  }

  /** Reads epoch milliseconds as an instant; null for SQL NULL. */
  static java.time.Instant instant(ResultSet rs, int col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : java.time.Instant.ofEpochMilli(v);
  }

  private final Database db;
  private final DataSource ds;

  Jdbc(Database db) {
    this.db = db;
    this.ds = db.dataSource();
  }

  private static io.opentelemetry.api.trace.Span span(String op, String sql) {
    io.opentelemetry.api.trace.Span s = dev.gatehouse.tracing.Tracing.start("store " + op, io.opentelemetry.api.trace.SpanKind.CLIENT);
    if (s != null) {
      // the statement's text: placeholders only, never a value
      s.setAttribute("db.query.text", sql.length() > 300 ? sql.substring(0, 300) : sql);
    }
    return s;
  }

  <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
    long start = System.nanoTime();
    io.opentelemetry.api.trace.Span span = span("query", sql);
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(mapper.map(rs));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException("store query failed: " + e.getMessage(), e);
    } finally {
      dev.gatehouse.tracing.Tracing.end(span);
      db.record(false, System.nanoTime() - start);
    }
  }

  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws
   * (a {@link RuntimeException} of its own is thrown on as it was).
   */
  <T> T transaction(Work<T> work) {
    long start = System.nanoTime();
    io.opentelemetry.api.trace.Span span = span("transaction", "");
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        db.committed();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        db.committed();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("store transaction failed: " + e.getMessage(), e);
    } finally {
      dev.gatehouse.tracing.Tracing.end(span);
      db.record(true, System.nanoTime() - start);
    }
  }

  /** @return rows changed, or -1 if the statement broke a unique key */
  int update(String sql, Binder binder) {
    long start = System.nanoTime();
    io.opentelemetry.api.trace.Span span = span("update", sql);
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      int changed = ps.executeUpdate();
      db.committed();
      return changed;
    } catch (SQLException e) {
      db.committed(); // H2 wrote the statement's undoing
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return -1;
      }
      throw new StoreException("store update failed: " + e.getMessage(), e);
    } finally {
      dev.gatehouse.tracing.Tracing.end(span);
      db.record(true, System.nanoTime() - start);
    }
  }
}
