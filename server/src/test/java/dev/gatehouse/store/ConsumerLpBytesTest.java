package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.consumers.ConsumerRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Migration V12 on a store written by the previous version (schema 11, lp ids as hex text): every
 * record comes through with the same lp id, external id and times, in the same order, and a run
 * cut short at any point is finished by the next start.
 */
class ConsumerLpBytesTest {
  private static final int ROWS = 12_345; // more than two pages of the copy

  /** Schema 11 and {@link #ROWS} consumers on three accounts, written the way version 11 wrote them. */
  private static List<ConsumerRecord> oldStore(DataSource ds) throws Exception {
    Migrations.migrate(ds, 11);
    Random random = new Random(12);
    List<ConsumerRecord> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      byte[] lp = new byte[32];
      random.nextBytes(lp);
      rows.add(new ConsumerRecord("acct" + (i % 3), HexFormat.of().formatHex(lp), "ext-" + i + (i % 7 == 0 ? "-\uD83D\uDE00" : ""),
          Instant.ofEpochMilli(1_700_000_000_000L + i), Instant.ofEpochMilli(1_700_000_500_000L + i)));
    }
    try (Connection c = ds.getConnection()) {
      insert(c, "consumers", rows, false);
    }
    rows.sort(java.util.Comparator.comparing(ConsumerRecord::accountId).thenComparing(ConsumerRecord::lpConsumerId));
    return rows;
  }

  /** Writes the rows into {@code table}, lp ids as text (schema 11) or as bytes (schema 12). */
  private static void insert(Connection c, String table, List<ConsumerRecord> rows, boolean lpBytes) throws Exception {
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (account_id, lp_consumer_id, ext_consumer_id, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)")) {
      for (ConsumerRecord r : rows) {
        ps.setString(1, r.accountId());
        if (lpBytes) {
          ps.setBytes(2, HexFormat.of().parseHex(r.lpConsumerId()));
        } else {
          ps.setString(2, r.lpConsumerId());
        }
        ps.setString(3, r.extConsumerId());
        ps.setLong(4, r.firstSeen().toEpochMilli());
        ps.setLong(5, r.lastSeen().toEpochMilli());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    c.commit();
    c.setAutoCommit(true);
  }

  /** Every record, read back through the repository page by page (so in lp order, as the admin API lists them). */
  private static void assertAllThere(Database db, List<ConsumerRecord> expected) {
    JdbcConsumerRepository repo = new JdbcConsumerRepository(db);
    List<ConsumerRecord> read = new ArrayList<>();
    for (String account : new String[] {"acct0", "acct1", "acct2"}) {
      String after = null;
      while (true) {
        List<ConsumerRecord> page = repo.list(account, after, 1000);
        read.addAll(page);
        if (page.size() < 1000) {
          break;
        }
        after = page.get(page.size() - 1).lpConsumerId();
      }
    }
    assertThat(read).containsExactlyElementsOf(expected);
    ConsumerRecord some = expected.get(ROWS / 2);
    assertThat(repo.find(some.accountId(), some.lpConsumerId())).contains(some);
    assertThat(repo.find("acct9", some.lpConsumerId())).isEmpty();
  }

  private static DataSource h2(Path dir) {
    org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + dir.resolve("gatehouse").toAbsolutePath());
    return ds;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aStoreOfTheLastVersion_keepsEveryConsumer(String kind) throws Exception {
    if (kind.equals("h2")) {
      Path dir = Files.createTempDirectory("gatehouse-v12");
      List<ConsumerRecord> expected = oldStore(h2(dir));
      try (Database db = Database.h2(dir)) {
        assertAllThere(db, expected);
      }
      try (Database db = Database.h2(dir)) { // and once done, it is not done again
        assertAllThere(db, expected);
      }
      return;
    }
    try (Postgres.Schema schema = Postgres.freshSchema()) {
      org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
      ds.setURL(schema.url());
      List<ConsumerRecord> expected = oldStore(ds);
      try (Database db = Database.connect(schema.url())) {
        assertAllThere(db, expected);
        assertThat(schema.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + schema.name() + "' AND table_name = 'consumers_v12'"))
            .as("the staged copy became the table").isZero();
      }
    }
  }

  /** What a crash left behind in a store of the last version, given its rows. */
  private interface Leftover {
    void make(Connection c, Statement s, List<ConsumerRecord> rows) throws Exception;
  }

  /** A store of the last version, then what a crash in the migration left, then a start: every record is there. */
  private static void aStartFinishes(Leftover leftover) throws Exception {
    Path dir = Files.createTempDirectory("gatehouse-v12");
    DataSource ds = h2(dir);
    List<ConsumerRecord> expected = oldStore(ds);
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      leftover.make(c, s, expected);
    }
    try (Database db = Database.h2(dir)) {
      assertAllThere(db, expected);
    }
  }

  @Test
  void aCopyCutShort_isMadeAgain() throws Exception {
    aStartFinishes((c, s, rows) -> {
      s.execute(ConsumerLpBytes.CREATE_STAGED);
      s.execute("INSERT INTO consumers_v12 VALUES ('acct0', X'00', 'half-copied', 1, 1)");
    });
  }

  @Test
  void aCrashBetweenDropAndRename_isFinished() throws Exception {
    aStartFinishes((c, s, rows) -> { // the copy done, the old table dropped, not yet renamed
      s.execute(ConsumerLpBytes.CREATE_STAGED);
      insert(c, "consumers_v12", rows, true);
      s.execute("DROP TABLE consumers");
    });
  }

  @Test
  void aCrashAfterTheRenameBeforeTheRecord_changesNothing() throws Exception {
    Path dir = Files.createTempDirectory("gatehouse-v12");
    List<ConsumerRecord> expected = oldStore(h2(dir));
    try (Database db = Database.h2(dir); Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("DELETE FROM gatehouse_schema WHERE version = 12");
    }
    try (Database db = Database.h2(dir)) {
      assertAllThere(db, expected);
    }
  }
}
