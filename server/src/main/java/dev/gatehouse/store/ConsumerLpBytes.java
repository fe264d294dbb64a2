package dev.gatehouse.store;

import dev.gatehouse.consumers.LpConsumerId;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migration V12: {@code consumers.lp_consumer_id} from hex text to its 32 bytes. The rows are copied
 * into {@code consumers_v12}, which then replaces {@code consumers}.
 *
 * <p>Run again after a crash at any point, it finds where the last run stopped: on PostgreSQL the
 * whole step is one transaction, which also locks {@code consumers} against writes from nodes of an
 * older version (their writes wait, then fail on the new column type and stay queued on their node
 * until it is upgraded); on H2 (one process, DDL commits) the copy commits as it goes, and a
 * partial copy is thrown away and made again; the old table is dropped only after the copy
 * committed; a staged table without an old one is the finished copy.
 */
final class ConsumerLpBytes {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLpBytes.class);
  private static final String STAGED = "consumers_v12";
  private static final int PAGE = 5_000;
  /** The new table, under its staging name (tests make the leftovers of a crash with it). */
  static final String CREATE_STAGED = "CREATE TABLE " + STAGED + " (account_id VARCHAR(64) NOT NULL, lp_consumer_id BYTEA NOT NULL,"
      + " ext_consumer_id VARCHAR(512) NOT NULL, first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL,"
      + " PRIMARY KEY (account_id, lp_consumer_id))";

  private ConsumerLpBytes() {}

  static void migrate(Connection c, boolean postgres) throws SQLException {
    Integer type = lpColumnType(c, "consumers");
    boolean staged = lpColumnType(c, STAGED) != null;
    try (Statement s = c.createStatement()) {
      if (type == null) {
        if (!staged) {
          throw new SQLException("neither consumers nor " + STAGED + " exists");
        }
        s.execute("ALTER TABLE " + STAGED + " RENAME TO consumers"); // the crash came between drop and rename
        return;
      }
      if (isBinary(type)) { // done; the crash came before the version was recorded
        if (staged) {
          s.execute("DROP TABLE " + STAGED);
        }
        return;
      }
      if (postgres) {
        s.execute("LOCK TABLE consumers IN EXCLUSIVE MODE");
      }
      if (staged) {
        s.execute("DROP TABLE " + STAGED); // an unfinished copy
      }
      s.execute(CREATE_STAGED);
      long[] copied = copy(c, postgres);
      if (!postgres) {
        c.commit();
      }
      s.execute("DROP TABLE consumers");
      s.execute("ALTER TABLE " + STAGED + " RENAME TO consumers");
      if (copied[0] + copied[1] > 0) {
        LOG.info("consumer records: {} lp ids stored as bytes{}", copied[0],
            copied[1] == 0 ? "" : ", " + copied[1] + " rows dropped whose lp id was not 64 lowercase hex characters (no token can name them)");
      }
    }
  }

  /** @return rows copied, rows skipped */
  private static long[] copy(Connection c, boolean postgres) throws SQLException {
    long copied = 0;
    long skipped = 0;
    String account = "";
    String lp = "";
    try (PreparedStatement read = c.prepareStatement("SELECT account_id, lp_consumer_id, ext_consumer_id, first_seen, last_seen FROM consumers"
        + " WHERE account_id > ? OR (account_id = ? AND lp_consumer_id > ?) ORDER BY account_id, lp_consumer_id LIMIT " + PAGE);
         PreparedStatement write = c.prepareStatement("INSERT INTO " + STAGED
             + " (account_id, lp_consumer_id, ext_consumer_id, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)")) {
      while (true) {
        read.setString(1, account);
        read.setString(2, account);
        read.setString(3, lp);
        int rows = 0;
        try (ResultSet rs = read.executeQuery()) {
          while (rs.next()) {
            rows++;
            account = rs.getString(1);
            lp = rs.getString(2);
            if (!LpConsumerId.isValid(lp)) {
              skipped++;
              continue;
            }
            write.setString(1, account);
            write.setBytes(2, LpConsumerId.toBytes(lp));
            write.setString(3, rs.getString(3));
            write.setLong(4, rs.getLong(4));
            write.setLong(5, rs.getLong(5));
            write.addBatch();
            copied++;
          }
        }
        write.executeBatch();
        if (!postgres) {
          c.commit();
        }
        if (rows < PAGE) {
          return new long[] {copied, skipped};
        }
      }
    }
  }

  /** The JDBC type of {@code table.lp_consumer_id} in the connection's schema; null if there is no such table. */
  private static Integer lpColumnType(Connection c, String table) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    String schema = c.getSchema();
    for (String name : new String[] {table, table.toUpperCase(java.util.Locale.ROOT)}) { // PostgreSQL folds to lower case, H2 to upper
      try (ResultSet rs = md.getColumns(null, schema, name, null)) {
        while (rs.next()) {
          if (rs.getString("COLUMN_NAME").equalsIgnoreCase("lp_consumer_id")) {
            return rs.getInt("DATA_TYPE");
          }
        }
      }
    }
    return null;
  }

  private static boolean isBinary(int type) {
    return type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY;
  }
}
