package dev.gatehouse.store;

import dev.gatehouse.consumers.ConsumerRecord;
import dev.gatehouse.consumers.ConsumerRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Consumers in {@code consumers} and {@code consumer_revocations}. {@link #recordAll} is portable
 * and idempotent: a batched UPDATE moves {@code last_seen} forward, the rows it did not find are
 * INSERTed in one batch, and if another node inserted one of them meanwhile the batch is redone
 * row by row (update, or insert what is still missing). Thread-safe.
 */
public final class JdbcConsumerRepository implements ConsumerRepository {
  private final Database db;
  private final Jdbc jdbc;

  public JdbcConsumerRepository(Database db) {
    this.db = db;
    this.jdbc = new Jdbc(db);
  }

  @Override
  public void recordAll(List<ConsumerRecord> sightings) {
    if (db.isPostgres()) {
      upsertAll(sightings);
      return;
    }
    long start = System.nanoTime();
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      List<ConsumerRecord> missing = new ArrayList<>();
      try (PreparedStatement up = c.prepareStatement(
          "UPDATE consumers SET last_seen = ? WHERE account_id = ? AND lp_consumer_id = ? AND last_seen < ?")) {
        for (ConsumerRecord r : sightings) {
          up.setLong(1, r.lastSeen().toEpochMilli());
          up.setString(2, r.accountId());
          up.setString(3, r.lpConsumerId());
          up.setLong(4, r.lastSeen().toEpochMilli());
          up.addBatch();
        }
        int[] counts = up.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          if (counts[i] == 0) {
            missing.add(sightings.get(i));
          }
        }
      }
      if (!missing.isEmpty()) {
        // new consumers, the common case: one batched INSERT; should another node have inserted
        // one of them meanwhile, redo the batch row by row
        try {
          insertAll(c, missing);
        } catch (SQLException duplicate) {
          c.rollback();
          // the UPDATEs were rolled back with it: redo everything one by one
          for (ConsumerRecord r : sightings) {
            upsertOne(c, r);
          }
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new StoreException("writing consumer records failed: " + e.getMessage(), e);
    } finally {
      db.record(true, System.nanoTime() - start);
    }
  }

  /**
   * PostgreSQL: one batched upsert, safe when several nodes record the same consumer at once. Rows
   * are sorted by key so that two nodes writing overlapping batches lock rows in the same order.
   */
  private void upsertAll(List<ConsumerRecord> sightings) {
    long start = System.nanoTime();
    List<ConsumerRecord> sorted = new ArrayList<>(sightings);
    sorted.sort(java.util.Comparator.comparing(ConsumerRecord::accountId).thenComparing(ConsumerRecord::lpConsumerId));
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO consumers (account_id, lp_consumer_id, ext_consumer_id, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)"
              + " ON CONFLICT (account_id, lp_consumer_id) DO UPDATE SET last_seen = GREATEST(consumers.last_seen, EXCLUDED.last_seen)")) {
        for (ConsumerRecord r : sorted) {
          ps.setString(1, r.accountId());
          ps.setString(2, r.lpConsumerId());
          ps.setString(3, r.extConsumerId());
          ps.setLong(4, r.firstSeen().toEpochMilli());
          ps.setLong(5, r.lastSeen().toEpochMilli());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    } catch (SQLException e) {
      throw new StoreException("writing consumer records failed: " + e.getMessage(), e);
    } finally {
      db.record(true, System.nanoTime() - start);
    }
  }

  private static void insertAll(Connection c, List<ConsumerRecord> rows) throws SQLException {
    try (PreparedStatement ins = c.prepareStatement(
        "INSERT INTO consumers (account_id, lp_consumer_id, ext_consumer_id, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)")) {
      for (ConsumerRecord r : rows) {
        ins.setString(1, r.accountId());
        ins.setString(2, r.lpConsumerId());
        ins.setString(3, r.extConsumerId());
        ins.setLong(4, r.firstSeen().toEpochMilli());
        ins.setLong(5, r.lastSeen().toEpochMilli());
        ins.addBatch();
      }
      ins.executeBatch();
    }
  }

  private static void upsertOne(Connection c, ConsumerRecord r) throws SQLException {
    try (PreparedStatement up = c.prepareStatement(
        "UPDATE consumers SET last_seen = ? WHERE account_id = ? AND lp_consumer_id = ? AND last_seen < ?")) {
      up.setLong(1, r.lastSeen().toEpochMilli());
      up.setString(2, r.accountId());
      up.setString(3, r.lpConsumerId());
      up.setLong(4, r.lastSeen().toEpochMilli());
      if (up.executeUpdate() == 1 || find(c, r.accountId(), r.lpConsumerId())) {
        return;
      }
    }
    insertAll(c, List.of(r));
  }

  private static boolean find(Connection c, String account, String lp) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM consumers WHERE account_id = ? AND lp_consumer_id = ?")) {
      ps.setString(1, account);
      ps.setString(2, lp);
      try (var rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static final String COLUMNS = "SELECT account_id, lp_consumer_id, ext_consumer_id, first_seen, last_seen FROM consumers ";

  private static ConsumerRecord row(java.sql.ResultSet rs) throws SQLException {
    return new ConsumerRecord(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)));
  }

  @Override
  public Optional<ConsumerRecord> find(String accountId, String lpConsumerId) {
    return jdbc.query(COLUMNS + "WHERE account_id = ? AND lp_consumer_id = ?", ps -> {
      ps.setString(1, accountId);
      ps.setString(2, lpConsumerId);
    }, JdbcConsumerRepository::row).stream().findFirst();
  }

  @Override
  public List<ConsumerRecord> list(String accountId, String afterLp, int limit) {
    return jdbc.query(COLUMNS + "WHERE account_id = ? AND lp_consumer_id > ? ORDER BY lp_consumer_id LIMIT " + limit, ps -> {
      ps.setString(1, accountId);
      ps.setString(2, afterLp == null ? "" : afterLp);
    }, JdbcConsumerRepository::row);
  }

  @Override
  public boolean delete(String accountId, String lpConsumerId) {
    return jdbc.update("DELETE FROM consumers WHERE account_id = ? AND lp_consumer_id = ?", ps -> {
      ps.setString(1, accountId);
      ps.setString(2, lpConsumerId);
    }) > 0;
  }

  @Override
  public void revoke(String accountId, String lpConsumerId, Instant revokedAt, Instant erasedAt) {
    int n = jdbc.update("UPDATE consumer_revocations SET erased_at = COALESCE(erased_at, ?) WHERE account_id = ? AND lp_consumer_id = ?", ps -> {
      Jdbc.setInstant(ps, 1, erasedAt);
      ps.setString(2, accountId);
      ps.setString(3, lpConsumerId);
    });
    if (n == 0) {
      jdbc.update("INSERT INTO consumer_revocations (account_id, lp_consumer_id, revoked_at, erased_at) VALUES (?, ?, ?, ?)", ps -> {
        ps.setString(1, accountId);
        ps.setString(2, lpConsumerId);
        ps.setLong(3, revokedAt.toEpochMilli());
        Jdbc.setInstant(ps, 4, erasedAt);
      });
    }
  }

  @Override
  public boolean restore(String accountId, String lpConsumerId) {
    return jdbc.update("DELETE FROM consumer_revocations WHERE account_id = ? AND lp_consumer_id = ? AND erased_at IS NULL", ps -> {
      ps.setString(1, accountId);
      ps.setString(2, lpConsumerId);
    }) > 0;
  }

  @Override
  public Set<String> revoked() {
    return new HashSet<>(jdbc.query("SELECT account_id, lp_consumer_id FROM consumer_revocations", ps -> {},
        rs -> rs.getString(1) + "/" + rs.getString(2)));
  }
}
