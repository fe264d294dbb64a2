package dev.gatehouse.store;

import dev.gatehouse.consumers.ConsumerRecord;
import dev.gatehouse.consumers.ConsumerRepository;
import dev.gatehouse.consumers.LpConsumerId;
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
 * Consumers in {@code consumers} and {@code consumer_revocations}. In {@code consumers} an lp id is
 * kept as its 32 bytes ({@link LpConsumerId#toBytes}), half the size of its text in the primary
 * key, which every new consumer writes a leaf of (migration V12). {@link #recordAll} is idempotent:
 * on PostgreSQL one batched upsert (safe with many nodes), on H2 (one process) a batched INSERT
 * whose duplicate rows then get their {@code last_seen} moved forward. Thread-safe.
 */
public final class JdbcConsumerRepository implements ConsumerRepository {
  private final Database db;
  private final Jdbc jdbc;

  public JdbcConsumerRepository(Database db) {
    this.db = db;
    this.jdbc = new Jdbc(db);
  }

  @Override
  public void recordAll(List<ConsumerRecord> all) {
    // an erased consumer stays erased: a sighting queued before the erasure (here or on another
    // node) must not write its external id back
    for (ConsumerRecord r : all) {
      if (!LpConsumerId.isValid(r.lpConsumerId())) {
        throw new ConsumerRepository.RejectedRecordsException("writing consumer records failed: an lp_consumer_id that is not 64 lowercase hex characters", null);
      }
    }
    List<ConsumerRecord> sightings = withoutErased(all);
    if (sightings.isEmpty()) {
      return;
    }
    if (db.isPostgres()) {
      upsertAll(sightings);
      return;
    }
    long start = System.nanoTime();
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      // new consumers are the common case: INSERT them all in one batch; H2 goes on past a row
      // that exists already and reports it, and those (seen before) get their last_seen moved on
      List<ConsumerRecord> known = new ArrayList<>();
      try (PreparedStatement ins = c.prepareStatement(
          INSERT)) {
        addAll(ins, sightings);
        try {
          ins.executeBatch();
        } catch (java.sql.BatchUpdateException e) {
          int[] counts = e.getUpdateCounts();
          if (counts == null || counts.length != sightings.size() || !onlyDuplicates(e)) {
            throw e;
          }
          for (int i = 0; i < counts.length; i++) {
            if (counts[i] == java.sql.Statement.EXECUTE_FAILED) {
              known.add(sightings.get(i));
            }
          }
        }
      }
      if (!known.isEmpty()) {
        try (PreparedStatement up = c.prepareStatement(
            "UPDATE consumers SET last_seen = ? WHERE account_id = ? AND lp_consumer_id = ? AND last_seen < ?")) {
          for (ConsumerRecord r : known) {
            up.setLong(1, r.lastSeen().toEpochMilli());
            up.setString(2, r.accountId());
            up.setBytes(3, LpConsumerId.toBytes(r.lpConsumerId()));
            up.setLong(4, r.lastSeen().toEpochMilli());
            up.addBatch();
          }
          up.executeBatch();
        }
      }
      c.commit();
      db.committed();
    } catch (SQLException e) {
      throw failure(e);
    } finally {
      db.record(true, System.nanoTime() - start);
    }
  }

  /**
   * The driver's message may quote a value, and values here are personal data: say only what kind
   * of error. A data or constraint error (SQLSTATE class 22 or 23) is a refusal for good.
   */
  private static RuntimeException failure(SQLException e) {
    String state = e.getSQLState();
    for (SQLException n = e.getNextException(); (state == null || state.startsWith("0")) && n != null; n = n.getNextException()) {
      state = n.getSQLState();
    }
    String what = "writing consumer records failed: SQLSTATE " + state + " (" + e.getClass().getSimpleName() + ")";
    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
      return new ConsumerRepository.RejectedRecordsException(what, e);
    }
    return new StoreException(what, e);
  }

  private List<ConsumerRecord> withoutErased(List<ConsumerRecord> sightings) {
    java.util.Set<String> erased = new java.util.HashSet<>(jdbc.query(
        "SELECT account_id, lp_consumer_id FROM consumer_revocations WHERE erased_at IS NOT NULL", ps -> {}, rs -> rs.getString(1) + "/" + rs.getString(2)));
    if (erased.isEmpty()) {
      return sightings;
    }
    List<ConsumerRecord> keep = new ArrayList<>(sightings.size());
    for (ConsumerRecord r : sightings) {
      if (!erased.contains(r.accountId() + "/" + r.lpConsumerId())) {
        keep.add(r);
      }
    }
    return keep;
  }

  private static final String INSERT =
      "INSERT INTO consumers (account_id, lp_consumer_id, ext_consumer_id, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)";

  /** Adds one row of (account_id, lp_consumer_id, ext_consumer_id, first_seen, last_seen) per record to the batch. */
  private static void addAll(PreparedStatement ps, List<ConsumerRecord> records) throws SQLException {
    for (ConsumerRecord r : records) {
      ps.setString(1, r.accountId());
      ps.setBytes(2, LpConsumerId.toBytes(r.lpConsumerId()));
      ps.setString(3, r.extConsumerId());
      ps.setLong(4, r.firstSeen().toEpochMilli());
      ps.setLong(5, r.lastSeen().toEpochMilli());
      ps.addBatch();
    }
  }

  /** Whether every failure in a batch is a duplicate key (and not, say, a full disk). */
  private static boolean onlyDuplicates(java.sql.BatchUpdateException e) {
    for (SQLException n = e.getNextException(); n != null; n = n.getNextException()) {
      if (!Jdbc.UNIQUE_VIOLATION.equals(n.getSQLState())) {
        return false;
      }
    }
    return true;
  }

  /**
   * PostgreSQL: one batched upsert, safe when several nodes record the same consumer at once. Rows
   * are sorted by key so that two nodes writing overlapping batches lock rows in the same order.
   */
  private void upsertAll(List<ConsumerRecord> sightings) {
    long start = System.nanoTime();
    List<ConsumerRecord> sorted = new ArrayList<>(sightings);
    sorted.sort(java.util.Comparator.comparing(ConsumerRecord::accountId).thenComparing(ConsumerRecord::lpConsumerId)); // hex order is byte order
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          INSERT
              + " ON CONFLICT (account_id, lp_consumer_id) DO UPDATE SET last_seen = GREATEST(consumers.last_seen, EXCLUDED.last_seen)")) {
        addAll(ps, sorted);
        ps.executeBatch();
      }
      c.commit();
      db.committed();
    } catch (SQLException e) {
      throw failure(e);
    } finally {
      db.record(true, System.nanoTime() - start);
    }
  }

  private static final String COLUMNS = "SELECT account_id, lp_consumer_id, ext_consumer_id, first_seen, last_seen FROM consumers ";

  private static ConsumerRecord row(java.sql.ResultSet rs) throws SQLException {
    return new ConsumerRecord(rs.getString(1), LpConsumerId.fromBytes(rs.getBytes(2)), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)));
  }

  @Override
  public Optional<ConsumerRecord> find(String accountId, String lpConsumerId) {
    if (!LpConsumerId.isValid(lpConsumerId)) {
      return Optional.empty(); // no record can have it
    }
    return jdbc.query(COLUMNS + "WHERE account_id = ? AND lp_consumer_id = ?", ps -> {
      ps.setString(1, accountId);
      ps.setBytes(2, LpConsumerId.toBytes(lpConsumerId));
    }, JdbcConsumerRepository::row).stream().findFirst();
  }

  /** @throws IllegalArgumentException if {@code afterLp} is neither null nor an lp id */
  @Override
  public List<ConsumerRecord> list(String accountId, String afterLp, int limit) {
    byte[] after = afterLp == null ? new byte[0] : LpConsumerId.toBytes(afterLp); // the empty value sorts first
    return jdbc.query(COLUMNS + "WHERE account_id = ? AND lp_consumer_id > ? ORDER BY lp_consumer_id LIMIT " + limit, ps -> {
      ps.setString(1, accountId);
      ps.setBytes(2, after);
    }, JdbcConsumerRepository::row);
  }

  @Override
  public boolean delete(String accountId, String lpConsumerId) {
    if (!LpConsumerId.isValid(lpConsumerId)) {
      return false;
    }
    return jdbc.update("DELETE FROM consumers WHERE account_id = ? AND lp_consumer_id = ?", ps -> {
      ps.setString(1, accountId);
      ps.setBytes(2, LpConsumerId.toBytes(lpConsumerId));
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
