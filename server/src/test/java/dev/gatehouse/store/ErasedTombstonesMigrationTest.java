package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.consumers.ConsumerRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Migration V14 ({@link ConsumerTombstones}) on a store written by the previous version (schema 13), where an erasure deleted
 * the record: every consumer erased then gets a tombstone, so that a sighting written after the
 * upgrade cannot bring its external id back; a record a late sighting did write back is emptied;
 * the live records are untouched; and the migration run again (a crash before it was recorded)
 * changes nothing.
 */
class ErasedTombstonesMigrationTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static final String LIVE = "1".repeat(64);
  private static final String RESURRECTED = "2".repeat(64);
  private static final String DELETED = "3".repeat(64);
  private static final String REVOKED_ONLY = "4".repeat(64);

  /** Schema 13 with what version 13 wrote: erasures across more than one page, and the cases above. */
  private static List<String> oldStore(DataSource ds) throws Exception {
    Migrations.migrate(ds, 13);
    List<String> erased = new ArrayList<>();
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement rec = c.prepareStatement("INSERT INTO consumers VALUES (?, ?, ?, ?, ?)");
           PreparedStatement rev = c.prepareStatement("INSERT INTO consumer_revocations VALUES (?, ?, ?, ?)")) {
        record(rec, LIVE, "ext-live");
        record(rec, RESURRECTED, "ext-resurrected"); // erased, then written back by a sighting queued before
        record(rec, REVOKED_ONLY, "ext-revoked");
        revocation(rev, RESURRECTED, true);
        revocation(rev, DELETED, true);
        revocation(rev, REVOKED_ONLY, false);
        revocation(rev, "not-an-lp-id", true);
        for (int i = 0; i < 2_345; i++) {
          String lp = String.format("%064x", 1_000_000 + i);
          revocation(rev, lp, true);
          erased.add(lp);
        }
        rec.executeBatch();
        rev.executeBatch();
      }
      c.commit();
    }
    erased.add(RESURRECTED);
    erased.add(DELETED);
    return erased;
  }

  private static void record(PreparedStatement ps, String lp, String ext) throws Exception {
    ps.setString(1, "1001");
    ps.setBytes(2, HexFormat.of().parseHex(lp));
    ps.setString(3, ext);
    ps.setLong(4, T0.toEpochMilli());
    ps.setLong(5, T0.toEpochMilli());
    ps.addBatch();
  }

  private static void revocation(PreparedStatement ps, String lp, boolean erased) throws Exception {
    ps.setString(1, "1001");
    ps.setString(2, lp);
    ps.setLong(3, T0.toEpochMilli());
    if (erased) {
      ps.setLong(4, T0.toEpochMilli());
    } else {
      ps.setNull(4, java.sql.Types.BIGINT);
    }
    ps.addBatch();
  }

  private static void assertMigrated(Database db, List<String> erased) throws Exception {
    JdbcConsumerRepository consumers = new JdbcConsumerRepository(db);
    assertThat(consumers.find("1001", LIVE)).hasValueSatisfying(r -> assertThat(r.extConsumerId()).isEqualTo("ext-live"));
    assertThat(consumers.find("1001", REVOKED_ONLY)).as("revoked, not erased: kept").isPresent();
    assertThat(consumers.find("1001", RESURRECTED)).isEmpty();
    assertThat(consumers.list("1001", null, 100)).extracting(ConsumerRecord::lpConsumerId).containsExactly(LIVE, REVOKED_ONLY);
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM consumers WHERE ext_consumer_id = ''")) {
      rs.next();
      assertThat(rs.getLong(1)).as("a tombstone for each erased lp id").isEqualTo(erased.size());
    }
    // sightings queued before an upgrade, written after it: none of them brings an external id back
    List<ConsumerRecord> late = new ArrayList<>();
    for (String lp : erased) {
      late.add(new ConsumerRecord("1001", lp, "ext-late", T0.plusSeconds(1), T0.plusSeconds(1)));
    }
    consumers.recordAll(late);
    assertThat(consumers.list("1001", null, 100)).extracting(ConsumerRecord::lpConsumerId).containsExactly(LIVE, REVOKED_ONLY);
    for (String lp : List.of(RESURRECTED, DELETED, erased.get(0), erased.get(erased.size() - 3))) {
      assertThat(consumers.find("1001", lp)).as(lp).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aStoreOfTheLastVersion_getsATombstoneForEachErasedConsumer(String kind) throws Exception {
    if (kind.equals("h2")) {
      Path dir = Files.createTempDirectory("gatehouse-v14");
      org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
      ds.setURL("jdbc:h2:file:" + dir.resolve("gatehouse").toAbsolutePath());
      List<String> erased = oldStore(ds);
      try (Database db = Database.h2(dir)) {
        assertMigrated(db, erased);
      }
      try (Database db = Database.h2(dir); Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.execute("DELETE FROM gatehouse_schema WHERE version = 14"); // a crash after the step, before its record
      }
      try (Database db = Database.h2(dir)) {
        assertMigrated(db, erased);
      }
      return;
    }
    try (Postgres.Schema schema = Postgres.freshSchema()) {
      org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
      ds.setURL(schema.url());
      List<String> erased = oldStore(ds);
      try (Database db = Database.connect(schema.url())) {
        assertMigrated(db, erased);
      }
    }
  }
}
