package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The group commit on the H2 file and on PostgreSQL: waiting units share one transaction, each
 * caller is answered after its commit, and one failing unit neither fails nor spoils the others.
 * Batches are made deterministic by holding the writer inside a first unit until the others are
 * queued.
 */
class GroupCommitTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ExecutorService callers = Executors.newCachedThreadPool();

  private Database open(String kind) throws Exception {
    Database db;
    if (kind.equals("h2")) {
      db = Database.h2(Files.createTempDirectory("gatehouse-group-commit"));
      toClose.add(db);
    } else {
      Postgres.Schema schema = Postgres.freshSchema();
      toClose.add(schema);
      db = Database.connect(schema.url());
      toClose.add(0, db);
    }
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE gc_test (k VARCHAR(20) PRIMARY KEY, n INT NOT NULL)");
    }
    return db;
  }

  @AfterEach
  void close() throws Exception {
    callers.shutdownNow();
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /** A group commit whose requests are units of work, run in turn on the shared connection. */
  private static GroupCommit<Jdbc.Work<String>> gc(Database db, int capacity) {
    return new GroupCommit<>(db, "test", capacity, (c, batch) -> {
      for (GroupCommit.Pending<Jdbc.Work<String>> p : batch) {
        p.answer(p.request.run(c));
      }
    });
  }

  private static Jdbc.Work<String> insert(String k, int n) {
    return c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO gc_test (k, n) VALUES (?, ?)")) {
        ps.setString(1, k);
        ps.setInt(2, n);
        ps.executeUpdate();
      }
      return k;
    };
  }

  private static List<String> rows(Database db) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT k FROM gc_test ORDER BY k")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** Holds the writer in a unit of its own until released; returns once the writer is inside it. */
  private Future<Object> holdWriter(GroupCommit<Jdbc.Work<String>> gc, CountDownLatch release) throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    Future<Object> f = callers.submit(() -> gc.run("0-hold", c -> {
      inside.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return "held";
    }));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    return f;
  }

  private static void awaitQueued(GroupCommit<Jdbc.Work<String>> gc, int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (gc.queued() < n && System.nanoTime() < end) {
      Thread.sleep(2);
    }
    assertThat(gc.queued()).isEqualTo(n);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void waitingUnits_shareOneCommit_andEachCallerGetsItsOwnValue(String kind) throws Exception {
    Database db = open(kind);
    GroupCommit<Jdbc.Work<String>> gc = gc(db, 100);
    toClose.add(0, gc);
    CountDownLatch release = new CountDownLatch(1);
    Future<Object> held = holdWriter(gc, release);
    List<Future<Object>> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String k = "k" + (100 + i);
      answers.add(callers.submit(() -> gc.run(k, insert(k, 1))));
    }
    awaitQueued(gc, 20);
    assertThat(rows(db)).isEmpty();
    release.countDown();
    assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("held");
    for (int i = 0; i < 20; i++) {
      assertThat(answers.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("k" + (100 + i));
    }
    assertThat(rows(db)).hasSize(20);
    assertThat(gc.commits()).isEqualTo(2); // the held unit alone, then the twenty together
    assertThat(gc.committedUnits()).isEqualTo(21);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aFailingUnit_getsItsOwnError_writesNothing_andTheOthersAreWritten(String kind) throws Exception {
    Database db = open(kind);
    GroupCommit<Jdbc.Work<String>> gc = gc(db, 100);
    toClose.add(0, gc);
    gc.run("dup", insert("dup", 0));
    CountDownLatch release = new CountDownLatch(1);
    holdWriter(gc, release);
    Future<Object> a = callers.submit(() -> gc.run("a", insert("a", 1)));
    awaitQueued(gc, 1);
    Future<Object> duplicate = callers.submit(() -> gc.run("b", insert("dup", 2))); // an SQL error: the key exists
    awaitQueued(gc, 2);
    Future<Object> own = callers.submit(() -> gc.run("c", c -> {
      insert("c-half", 3).run(c); // written, then the unit fails: must not stay
      throw new IllegalStateException("the unit's own refusal");
    }));
    awaitQueued(gc, 3);
    Future<Object> d = callers.submit(() -> gc.run("d", insert("d", 4)));
    awaitQueued(gc, 4);
    release.countDown();

    assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo("a");
    assertThat(d.get(10, TimeUnit.SECONDS)).isEqualTo("d");
    assertThatThrownBy(() -> duplicate.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(StoreException.class)
        .hasMessageStartingWith("store transaction failed");
    assertThatThrownBy(() -> own.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(IllegalStateException.class)
        .hasMessage("the unit's own refusal");
    assertThat(rows(db)).containsExactly("a", "d", "dup");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2"})
  void unitsRunInKeyOrder_andInArrivalOrderWithinAKey(String kind) throws Exception {
    Database db = open(kind);
    GroupCommit<Jdbc.Work<String>> gc = gc(db, 100);
    toClose.add(0, gc);
    List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch release = new CountDownLatch(1);
    holdWriter(gc, release);
    String[] keys = {"b", "a", "b", "c", "a"};
    List<Future<Object>> answers = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      String tag = keys[i] + i;
      String key = keys[i];
      answers.add(callers.submit(() -> gc.run(key, c -> {
        ran.add(tag);
        return tag;
      })));
      awaitQueued(gc, i + 1);
    }
    release.countDown();
    for (Future<Object> f : answers) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThat(ran).containsExactly("a1", "a4", "b0", "b2", "c3");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2"})
  void aFullQueue_refusesAtOnce_andWritesNothing(String kind) throws Exception {
    Database db = open(kind);
    GroupCommit<Jdbc.Work<String>> gc = gc(db, 2);
    toClose.add(0, gc);
    CountDownLatch release = new CountDownLatch(1);
    holdWriter(gc, release);
    List<Future<Object>> queued = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String k = "q" + i;
      queued.add(callers.submit(() -> gc.run(k, insert(k, 0))));
    }
    awaitQueued(gc, 2);
    assertThatThrownBy(() -> gc.run("over", insert("over", 0))).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.busy()).isTrue())
        .hasMessageContaining("write queue is full");
    release.countDown();
    for (Future<Object> f : queued) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThat(rows(db)).containsExactly("q0", "q1");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2"})
  void close_writesTheBatchInHand_andRefusesWhatComesAfter(String kind) throws Exception {
    Database db = open(kind);
    GroupCommit<Jdbc.Work<String>> gc = gc(db, 100);
    CountDownLatch release = new CountDownLatch(1);
    Future<Object> held = holdWriter(gc, release);
    Future<?> closing = callers.submit(gc::close);
    Thread.sleep(50);
    release.countDown();
    closing.get(10, TimeUnit.SECONDS);
    assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("held");
    assertThatThrownBy(() -> gc.run("late", insert("late", 0))).isInstanceOf(StoreException.class).hasMessageContaining("closing");
    assertThat(rows(db)).isEmpty();
  }
}
