package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H2 2.x can leave its last commits where a recovery does not look (see {@link H2CommitChain}).
 * These tests write through plain connections (which do not call {@link Database#committed()}),
 * stop at the first commit after which H2's chain is broken, and copy the file then, which is what
 * a kill -9 at that moment leaves: that copy opens without the commit, which shows the H2 fault
 * this class works around. Then {@link Database#committed()} runs, as every write path of the
 * store calls it before answering, and a copy taken after it opens with the commit.
 */
class H2CommitChainTest {
  @TempDir
  Path dir;

  @Test
  void aCommitH2LeftUnreachable_isFoundAfterCommittedRuns() throws Exception {
    Path data = dir.resolve("data");
    try (Database db = Database.h2(data)) {
      H2CommitChain chain = db.commitChain();
      assertThat(chain).as("the check is active with this H2 (its internals changed if not: see H2CommitChain)").isNotNull();
      db.housekeeping().close(); // no compaction writing while the file is copied
      createTable(db);
      long lastId = breakTheChain(db, new Random(7), 0);
      Path killedBefore = copy(data, dir.resolve("before"));
      db.committed();
      assertThat(chain.intact()).isTrue();
      assertThat(chain.repairs()).isEqualTo(1);
      Path killedAfter = copy(data, dir.resolve("after"));

      assertThat(has(killedBefore, lastId)).as("H2 alone: the acknowledged row " + lastId + " is lost by a crash here").isFalse();
      assertThat(has(killedAfter, lastId)).as("after Database.committed(): the row survives a crash").isTrue();
    }
  }

  @Test
  void jdbcWritesAndGroupCommits_leaveTheChainIntact() throws Exception {
    Path data = dir.resolve("data");
    try (Database db = Database.h2(data)) {
      H2CommitChain chain = db.commitChain();
      db.housekeeping().close();
      Jdbc jdbc = new Jdbc(db);
      GroupCommit<String> group = new GroupCommit<>(db, "chain", 16, (c, batch) -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE chain_t SET body = ? WHERE id = (SELECT MAX(id) FROM chain_t)")) {
          for (GroupCommit.Pending<String> p : batch) {
            ps.setString(1, p.request);
            ps.addBatch();
            p.answer(p.request.length());
          }
          ps.executeBatch();
        }
      });
      Random random = new Random(11);
      createTable(db);
      for (long id = 0; id < 3_000; id++) {
        long row = id;
        String body = "y".repeat(100 + random.nextInt(12_000));
        if (id % 3 == 2) {
          group.run("k", body);
        } else if (id % 3 == 0) {
          jdbc.update("INSERT INTO chain_t VALUES (?, ?)", ps -> {
            ps.setLong(1, row);
            ps.setString(2, body);
          });
        } else {
          jdbc.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO chain_t VALUES (?, ?)")) {
              ps.setLong(1, row);
              ps.setString(2, body);
              ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM chain_t WHERE id < ?")) {
              ps.setLong(1, row - 20);
              ps.executeUpdate();
            }
            return null;
          });
        }
        assertThat(chain.intact()).as("after commit " + id).isTrue();
      }
      assertThat(chain.repairs()).as("H2 broke the chain and the check mended it").isPositive();
      group.close();
    }
  }

  /**
   * Opening an H2 session writes a chunk of its own (H2 runs the URL's SET commands), on the thread
   * that opens it: the pool's, when it grows or replaces a connection, at any moment between the
   * store's commits. The pool's connections come from {@link H2Connections}, which checks the
   * chain after each. Here the chain is broken by unchecked commits first, then the pool's source
   * opens a connection: without its check the new session's chunk is as unreachable as the last.
   */
  @Test
  void aConnectionThePoolOpens_leavesTheChainIntact() throws Exception {
    try (Database db = Database.h2(dir.resolve("data"))) {
      H2CommitChain chain = db.commitChain();
      db.housekeeping().close();
      javax.sql.DataSource source = ((com.zaxxer.hikari.HikariDataSource) db.dataSource()).getDataSource();
      assertThat(source).isInstanceOf(H2Connections.class);
      createTable(db);
      Random random = new Random(3);
      long id = 0;
      for (int round = 0; round < 5; round++) {
        id = breakTheChain(db, random, id) + 1;
        long repairs = chain.repairs();
        try (Connection c = source.getConnection()) {
          assertThat(chain.intact()).as("round " + round + ": after a new session's chunk").isTrue();
        }
        assertThat(chain.repairs()).as("the check mended what the unchecked commits left").isGreaterThan(repairs);
      }
    }
  }

  /**
   * Commits through a plain connection (which does not call {@link Database#committed()}) until H2
   * leaves its last chunk unreachable. @return the last row written
   */
  private static long breakTheChain(Database db, Random random, long firstId) throws Exception {
    H2CommitChain chain = db.commitChain();
    long lastId = -1;
    try (Connection c = db.dataSource().getConnection();
         PreparedStatement ins = c.prepareStatement("INSERT INTO chain_t VALUES (?, ?)");
         PreparedStatement del = c.prepareStatement("DELETE FROM chain_t WHERE id < ?")) {
      for (long id = firstId; id < firstId + 20_000 && (id == firstId || chain.intact()); id++) {
        ins.setLong(1, id);
        ins.setString(2, "x".repeat(100 + random.nextInt(12_000))); // chunks of different sizes
        ins.executeUpdate();
        lastId = id;
        if (id % 7 == 6) {
          del.setLong(1, id - 20); // dead chunks leave holes early in the file
          del.executeUpdate();
        }
      }
    }
    assertThat(chain.intact()).as("H2 left its last chunk unreachable within 20,000 commits").isFalse();
    return lastId;
  }

  /**
   * The rule in one line: each commit and rollback in the store is followed by {@code
   * db.committed()} before anything else runs (so before its caller is answered; H2 writes a
   * rolled-back transaction's undoing as a chunk too). Migrations and their steps in Java (the
   * lp-bytes backfill, the erased consumers' tombstones) run at open, before anyone is answered,
   * and are left out.
   */
  @Test
  void everyCommitInTheStore_isFollowedByCommitted() throws Exception {
    List<String> missing = new java.util.ArrayList<>();
    int commits = 0;
    try (java.util.stream.Stream<Path> files = Files.list(Path.of("src/main/java/dev/gatehouse/store"))) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        String name = f.getFileName().toString();
        if (name.equals("Migrations.java") || name.equals("ConsumerLpBytes.java") || name.equals("ConsumerTombstones.java")) {
          continue;
        }
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          if (lines.get(i).trim().matches("\\w+\\.(commit|rollback)\\(\\);")) {
            commits++;
            if (i + 1 >= lines.size() || !lines.get(i + 1).trim().equals("db.committed();")) {
              missing.add(name + ":" + (i + 1));
            }
          }
        }
      }
    }
    assertThat(commits).as("commits and rollbacks found in the store's sources").isGreaterThanOrEqualTo(9);
    assertThat(missing).as("commits and rollbacks not followed by db.committed()").isEmpty();
  }

  /** The test table, on a store that reuses dead chunks' space at once, so that H2's guesses go wrong within seconds, not minutes. */
  private static void createTable(Database db) throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("SET RETENTION_TIME 0");
      s.execute("CREATE TABLE chain_t (id BIGINT PRIMARY KEY, body VARCHAR(20000))");
    }
  }

  /** The H2 file as a kill -9 would leave it now (no write is running: housekeeping is stopped, and this thread wrote last). */
  private static Path copy(Path data, Path to) throws Exception {
    Files.createDirectories(to);
    Files.copy(data.resolve(Database.H2_FILE), to.resolve(Database.H2_FILE));
    return to;
  }

  /** Whether the H2 file in {@code data} has row {@code id} (not if the table itself is gone: a crash can lose it too). */
  private static boolean has(Path data, long id) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("gatehouse"))) {
      try (ResultSet t = c.getMetaData().getTables(null, null, "CHAIN_T", null)) {
        if (!t.next()) {
          return false;
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM chain_t WHERE id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1) == 1;
        }
      }
    }
  }
}
