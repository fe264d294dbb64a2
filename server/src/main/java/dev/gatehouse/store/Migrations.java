package dev.gatehouse.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * Brings the schema up to date: the SQL files of {@link #FILES} (beside this class, under {@code
 * migration/}), in order, each applied once and recorded in {@code gatehouse_schema} with a
 * checksum. The same files run on H2 and PostgreSQL; where SQL alone cannot do a change the same
 * way on both, a {@link Step} in Java follows the version's file ({@link #STEPS}). A file that changed after it was applied
 * stops the start; on PostgreSQL an advisory lock makes nodes starting together migrate once.
 *
 * <p>Why not Flyway: measured on this project's machine, Flyway's {@code migrate()} of a
 * three-table schema took 290-470 ms on its own and 0.5-0.9 s of server start-up (a third of the
 * 1.5 s budget), for work this class does in a few milliseconds.
 *
 * <p>File rules: statements end with {@code ;} at the end of a line; lines starting with {@code
 * --} are comments. Never edit a file once released; add the next one.
 */
final class Migrations {
  /** Applied in this order; version = position + 1. */
  static final List<String> FILES = List.of("V1__core.sql", "V2__secret_rotation.sql", "V3__audit.sql", "V4__consumers.sql", "V5__key_lifecycle.sql",
      "V6__consumers_no_ext_index.sql",
      "V7__app_tokens_not_before.sql",
      "V8__operator_tokens.sql",
      "V9__shared_auth_failures.sql",
      "V10__sandbox.sql",
      "V11__key_custody.sql",
      "V12__consumers_lp_bytes.sql",
      "V13__sandbox_deliveries_due_order.sql",
      "V14__consumers_erased_tombstones.sql",
      "V15__sandbox_conversations_page_order.sql");
  /** Work SQL alone cannot do the same way on H2 and PostgreSQL: run after that version's file, before it is recorded. */
  private static final Map<Integer, Step> STEPS = Map.of(12, ConsumerLpBytes::migrate, 14, ConsumerTombstones::migrate);
  private static final String LOCK = "schema-migrations";

  /** A migration step in Java. */
  interface Step {
    void run(Connection c, boolean postgres) throws SQLException;
  }

  private Migrations() {}

  static void migrate(DataSource ds) {
    migrate(ds, FILES.size());
  }

  /** Applies versions up to {@code upTo} (tests build an older schema with it). */
  static void migrate(DataSource ds, int upTo) {
    try (Connection c = ds.getConnection()) {
      boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
      if (postgres) {
        // nodes starting together migrate one after the other: a session lock, held across the
        // commits below and released with the connection should this node die, per schema
        Database.advisoryLock(c, LOCK, true);
      }
      try {
        migrate(c, postgres, upTo);
      } finally {
        if (postgres) {
          c.rollback(); // nothing is left uncommitted after success; after a failure, end it
          c.setAutoCommit(true);
          Database.advisoryUnlock(c, LOCK);
        }
      }
    } catch (SQLException e) {
      throw new StoreException("migration failed: " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c, boolean postgres, int upTo) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS gatehouse_schema (version INT NOT NULL PRIMARY KEY,"
          + " description VARCHAR(200) NOT NULL, checksum BIGINT NOT NULL, applied_at BIGINT NOT NULL)");
      c.commit();
    }
    Map<Integer, Long> applied = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version, checksum FROM gatehouse_schema")) {
      while (rs.next()) {
        applied.put(rs.getInt(1), rs.getLong(2));
      }
    }
    for (int i = 0; i < upTo; i++) {
      int version = i + 1;
      String file = FILES.get(i);
      String sql = read(file);
      long checksum = checksum(sql);
      Long done = applied.get(version);
      if (done != null) {
        if (done != checksum) {
          throw new StoreException("migration " + file + " changed after it was applied (checksum " + done + ", now " + checksum + ")", null);
        }
        continue;
      }
      try (Statement s = c.createStatement()) {
        for (String statement : statements(sql)) {
          s.execute(statement);
        }
      }
      Step step = STEPS.get(version);
      if (step != null) {
        step.run(c, postgres);
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO gatehouse_schema (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)")) {
        ps.setInt(1, version);
        ps.setString(2, file);
        ps.setLong(3, checksum);
        ps.setLong(4, System.currentTimeMillis());
        ps.executeUpdate();
      }
      c.commit();
    }
    c.commit();
  }

  static List<String> statements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : sql.split("\n")) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("--")) {
        continue;
      }
      cur.append(line).append('\n');
      if (t.endsWith(";")) {
        String stmt = cur.toString().strip();
        out.add(stmt.substring(0, stmt.length() - 1));
        cur.setLength(0);
      }
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().strip());
    }
    return out;
  }

  static long checksum(String sql) {
    CRC32 crc = new CRC32();
    crc.update(sql.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }

  private static String read(String file) {
    try (InputStream in = Migrations.class.getResourceAsStream("migration/" + file)) {
      if (in == null) {
        throw new StoreException("migration " + file + " is missing from the build", null);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StoreException("cannot read migration " + file, e);
    }
  }
}
