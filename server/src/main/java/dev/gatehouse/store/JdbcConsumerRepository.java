package dev.gatehouse.store;

import dev.gatehouse.consumers.ConsumerRecord;
import dev.gatehouse.consumers.ConsumerRepository;
import dev.gatehouse.consumers.LpConsumerId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Consumers in {@code consumers} and {@code consumer_revocations}. In {@code consumers} an lp id is
 * kept as its 32 bytes ({@link LpConsumerId#toBytes}), half the size of its text in the primary
 * key, which every new consumer writes a leaf of (migration V12). {@link #recordAll} is idempotent:
 * on PostgreSQL one batched upsert (safe with many nodes), on H2 (one process) a batched INSERT
 * whose duplicate rows then get their {@code last_seen} moved forward. An erased consumer's record
 * is a tombstone (migration V14): its key with an empty external id, which every read passes over
 * and no write brings back. Thread-safe.
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
    for (ConsumerRecord r : sightings) {
      if (!LpConsumerId.isValid(r.lpConsumerId())) {
        throw new ConsumerRepository.RejectedRecordsException("writing consumer records failed: an lp_consumer_id that is not 64 lowercase hex characters", null);
      }
    }
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
            "UPDATE consumers SET last_seen = ? WHERE account_id = ? AND lp_consumer_id = ? AND last_seen < ? AND " + LIVE)) {
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

  /** The external id of an erased consumer's record: its key is kept, its external id is not (an external id is never empty). */
  private static final String ERASED = "";
  /** A record that is not an erased consumer's tombstone. */
  private static final String LIVE = "ext_consumer_id <> ''";

  static final String INSERT =
      "INSERT INTO consumers (account_id, lp_consumer_id, ext_consumer_id, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)";
  /** PostgreSQL: an erased consumer's tombstone, whether its record is there or not ({@link #bindTombstone}). */
  static final String TOMBSTONE_UPSERT = INSERT + " ON CONFLICT (account_id, lp_consumer_id) DO UPDATE SET ext_consumer_id = ''";

  /** Binds the row of an erased consumer's tombstone to {@link #INSERT} (or a statement of the same columns). */
  static void bindTombstone(PreparedStatement ps, String accountId, byte[] lp, long at) throws SQLException {
    ps.setString(1, accountId);
    ps.setBytes(2, lp);
    ps.setString(3, ERASED);
    ps.setLong(4, at);
    ps.setLong(5, at);
  }

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
              + " ON CONFLICT (account_id, lp_consumer_id) DO UPDATE SET last_seen = GREATEST(consumers.last_seen, EXCLUDED.last_seen) WHERE consumers." + LIVE)) {
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

  /**
   * A page of an account's records. Ordered by the whole key, which H2 then reads from its index in
   * order and stops at the limit; ordered by {@code lp_consumer_id} alone (equal in meaning, the
   * account being fixed) it read and sorted the account's every record: 10-12 s a page at a million
   * records, 36-110 ms now ({@code QueryPlanTest} keeps it so).
   */
  static final String LIST_PAGE = COLUMNS + "WHERE account_id = ? AND lp_consumer_id > ? AND " + LIVE + " ORDER BY account_id, lp_consumer_id LIMIT ?";

  private static ConsumerRecord row(java.sql.ResultSet rs) throws SQLException {
    return new ConsumerRecord(rs.getString(1), LpConsumerId.fromBytes(rs.getBytes(2)), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)));
  }

  @Override
  public Optional<ConsumerRecord> find(String accountId, String lpConsumerId) {
    if (!LpConsumerId.isValid(lpConsumerId)) {
      return Optional.empty(); // no record can have it
    }
    return jdbc.query(COLUMNS + "WHERE account_id = ? AND lp_consumer_id = ? AND " + LIVE, ps -> {
      ps.setString(1, accountId);
      ps.setBytes(2, LpConsumerId.toBytes(lpConsumerId));
    }, JdbcConsumerRepository::row).stream().findFirst();
  }

  /** @throws IllegalArgumentException if {@code afterLp} is neither null nor an lp id */
  @Override
  public List<ConsumerRecord> list(String accountId, String afterLp, int limit) {
    byte[] after = afterLp == null ? new byte[0] : LpConsumerId.toBytes(afterLp); // the empty value sorts first
    return jdbc.query(LIST_PAGE, ps -> {
      ps.setString(1, accountId);
      ps.setBytes(2, after);
      ps.setInt(3, limit);
    }, JdbcConsumerRepository::row);
  }

  @Override
  public void revoke(String accountId, String lpConsumerId, Instant at) {
    jdbc.transaction(c -> {
      markRevoked(c, accountId, lpConsumerId, at, null);
      return null;
    });
  }

  @Override
  public boolean erase(String accountId, String lpConsumerId, Instant at) {
    return jdbc.transaction(c -> {
      markRevoked(c, accountId, lpConsumerId, at, at);
      if (!LpConsumerId.isValid(lpConsumerId)) {
        return false; // no record can have it
      }
      byte[] lp = LpConsumerId.toBytes(lpConsumerId);
      boolean existed;
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumers SET ext_consumer_id = '' WHERE account_id = ? AND lp_consumer_id = ? AND " + LIVE)) {
        ps.setString(1, accountId);
        ps.setBytes(2, lp);
        existed = ps.executeUpdate() > 0;
      }
      if (!existed) {
        // the key is kept as a tombstone, so that a sighting written later cannot bring the external
        // id back. On PostgreSQL a record another node is inserting now (not yet visible to the
        // UPDATE) makes this INSERT wait for it, then turns it into the tombstone; on H2 this node's
        // registry is the only writer, and it holds its lock across the erasure
        try (PreparedStatement ps = c.prepareStatement(db.isPostgres() ? TOMBSTONE_UPSERT : INSERT)) {
          bindTombstone(ps, accountId, lp, at.toEpochMilli());
          ps.executeUpdate();
        } catch (SQLException e) {
          if (db.isPostgres() || !Jdbc.UNIQUE_VIOLATION.equals(e.getSQLState())) {
            throw e;
          }
          // H2: the tombstone is there already (erased before); H2 undoes only the failed statement
        }
      }
      return existed;
    });
  }

  /** Revoked (and erased, when {@code erasedAt} is given) in {@code consumer_revocations}; an erasure is never undone. */
  private void markRevoked(Connection c, String accountId, String lpConsumerId, Instant at, Instant erasedAt) throws SQLException {
    String insert = "INSERT INTO consumer_revocations (account_id, lp_consumer_id, revoked_at, erased_at) VALUES (?, ?, ?, ?)";
    if (db.isPostgres()) { // two nodes may act on one consumer at once: one statement
      insert += " ON CONFLICT (account_id, lp_consumer_id) DO UPDATE SET erased_at = COALESCE(consumer_revocations.erased_at, EXCLUDED.erased_at)";
    } else { // H2: this process alone, under the registry's lock
      try (PreparedStatement ps = c.prepareStatement("UPDATE consumer_revocations SET erased_at = COALESCE(erased_at, ?) WHERE account_id = ? AND lp_consumer_id = ?")) {
        Jdbc.setInstant(ps, 1, erasedAt);
        ps.setString(2, accountId);
        ps.setString(3, lpConsumerId);
        if (ps.executeUpdate() > 0) {
          return;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      ps.setString(1, accountId);
      ps.setString(2, lpConsumerId);
      ps.setLong(3, at.toEpochMilli());
      Jdbc.setInstant(ps, 4, erasedAt);
      ps.executeUpdate();
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
  public void forEachRevoked(java.util.function.BiConsumer<String, String> each) {
    try (Connection c = db.dataSource().getConnection()) {
      forEachRevocation(c, false, each::accept);
    } catch (SQLException e) {
      throw new StoreException("reading the revoked consumers failed: " + e.getMessage(), e);
    }
  }

  /**
   * PostgreSQL: the count of revocations and the sum of a 64-bit hash of each (account, lp id),
   * one scan of the table inside the database (at a million rows a fraction of the 1-3 s a node
   * takes to read them all). H2: null; only this process writes it. Null too where the query
   * fails (an engine without {@code hashtextextended}, PostgreSQL 11+): the caller then reads
   * everything, as it would have anyway, and a store that is down fails that read.
   */
  @Override
  public String revokedSummary() {
    if (!db.isPostgres()) {
      return null;
    }
    try {
      return jdbc.query("SELECT COUNT(*), COALESCE(SUM(hashtextextended(account_id || '/' || lp_consumer_id, 0)), 0) FROM consumer_revocations",
          ps -> {}, rs -> rs.getLong(1) + ":" + rs.getBigDecimal(2).toPlainString()).get(0);
    } catch (StoreException e) {
      return null;
    }
  }

  private static final int PAGE = 10_000;

  /**
   * Each revoked consumer (or only the erased ones), account by account, {@value #PAGE} rows a
   * query: the store may hold millions, which neither heap nor a driver's result set should hold
   * at once. Each query is ordered by the whole key, which H2 reads from its index in order
   * (ordered by the lp id alone it read and sorted the account's every row at each page), and a
   * page within one account starts at its key (from a row value instead, H2 read the account from
   * its first row at every page): 1.2-1.8 s for a million rows, in one account or in a hundred.
   */
  static void forEachRevocation(Connection c, boolean erasedOnly, Revocation each) throws SQLException {
    forEachRevocation(c, erasedOnly, PAGE, each);
  }

  /** {@link #forEachRevocation(Connection, boolean, Revocation)} with pages of {@code pageSize} rows (tests cut them short). */
  static void forEachRevocation(Connection c, boolean erasedOnly, int pageSize, Revocation each) throws SQLException {
    try (PreparedStatement nextAccount = c.prepareStatement(nextRevokingAccount(erasedOnly));
         PreparedStatement page = c.prepareStatement(revocationPage(erasedOnly))) {
      String account = "";
      while (true) {
        nextAccount.setString(1, account);
        try (java.sql.ResultSet rs = nextAccount.executeQuery()) {
          if (!rs.next()) {
            return;
          }
          account = rs.getString(1);
        }
        String lp = "";
        for (int rows = pageSize; rows == pageSize; ) {
          page.setString(1, account);
          page.setString(2, lp);
          page.setInt(3, pageSize);
          rows = 0;
          try (java.sql.ResultSet rs = page.executeQuery()) {
            while (rs.next()) {
              rows++;
              lp = rs.getString(1);
              each.accept(account, lp);
            }
          }
        }
      }
    }
  }

  /** The first account after {@code ?} with a revocation (an erasure). */
  static String nextRevokingAccount(boolean erasedOnly) {
    return "SELECT account_id FROM consumer_revocations WHERE account_id > ?" + (erasedOnly ? " AND erased_at IS NOT NULL" : "")
        + " ORDER BY account_id, lp_consumer_id LIMIT 1";
  }

  /** Up to {@code ?} revocations (erasures) of an account, after an lp id. */
  static String revocationPage(boolean erasedOnly) {
    return "SELECT lp_consumer_id FROM consumer_revocations WHERE account_id = ? AND lp_consumer_id > ?" + (erasedOnly ? " AND erased_at IS NOT NULL" : "")
        + " ORDER BY account_id, lp_consumer_id LIMIT ?";
  }

  /** One row of {@code consumer_revocations}. */
  interface Revocation {
    void accept(String accountId, String lpConsumerId) throws SQLException;
  }
}
