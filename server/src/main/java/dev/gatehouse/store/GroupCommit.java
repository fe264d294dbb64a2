package dev.gatehouse.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Group commit: requests handed in by many threads are written by one writer thread, as many as
 * are waiting (up to {@link #MAX_BATCH}) in one transaction, and each caller is answered only
 * after the commit that holds its request. So an acknowledged change is as durable as with a
 * transaction of its own, and N concurrent changes cost one commit (one chunk written to the H2
 * file, one WAL flush on PostgreSQL) instead of N. The {@link Writer} sees the whole batch, so it
 * can read and write it in a few statements (a statement per table, not per request). A lone change does not wait for company: the
 * writer takes what is queued when it is free, so batches form only while a commit is running.
 *
 * <p>Rules a writer must keep:
 *
 * <ul>
 *   <li>It may see a request more than once: when writing a batch fails (an SQL error, or an
 *       exception of the writer's), the batch is rolled back and every request of it is written
 *       again alone, in its own transaction, so one bad request cannot fail or spoil the others.
 *       Writing is therefore pure apart from its statements on the connection it is given, and
 *       sets each request's answer anew.
 *   <li>A batch comes sorted by key, in arrival order within one key. A writer that locks rows
 *       should lock them in key order, so that two nodes' batches cannot deadlock each other.
 * </ul>
 *
 * <p>Failures: a commit that fails answers every request of its batch with a {@link StoreException}
 * (the change may or may not be written, as for any transaction whose commit fails); when no
 * connection can be had, the whole batch is answered with that failure at once, not tried one by
 * one. The transaction is handled here rather than by {@code Jdbc.transaction}, which cannot tell
 * a failed commit (never retried: it may have been written) from a failed write (retried alone).
 * At most {@code capacity} requests wait; past that a caller is refused at once with a
 * {@link StoreException#busy} (a 503), so a flood of writes costs bounded memory. Thread-safe.
 */
final class GroupCommit<R> implements AutoCloseable {
  /** The most requests in one transaction: bounds a transaction's locks and the cost of a retry one by one. */
  static final int MAX_BATCH = 64;

  /** Writes a batch of requests on the connection, in its transaction, and sets each one's answer. */
  interface Writer<R> {
    void write(Connection c, List<Pending<R>> batch) throws SQLException;
  }

  /** One caller's request, and its answer once written. */
  static final class Pending<R> {
    final String key;
    final R request;
    final CompletableFuture<Object> done = new CompletableFuture<>();
    Object answer;

    Pending(String key, R request) {
      this.key = key;
      this.request = request;
    }

    /** The caller's answer, handed over after the commit. */
    void answer(Object value) {
      answer = value;
    }
  }

  private final Database db;
  private final DataSource ds;
  private final String name;
  private final BlockingQueue<Pending<R>> queue;
  private final Writer<R> writes;
  private final int capacity;
  private Thread writer; // guarded by this
  private volatile boolean closed;
  private final java.util.concurrent.atomic.LongAdder commits = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder committedUnits = new java.util.concurrent.atomic.LongAdder();

  GroupCommit(Database db, String name, int capacity, Writer<R> writes) {
    this.db = db;
    this.writes = writes;
    this.ds = db.dataSource();
    this.name = name;
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /**
   * Writes {@code request} in a transaction shared with other callers' and returns its answer once
   * that transaction is committed. A {@link RuntimeException} of the writer's is thrown on as it
   * was; an SQL error as a {@link StoreException}. Blocks; never call it from the writer.
   */
  Object run(String key, R request) {
    Pending<R> unit = new Pending<>(key, request);
    if (closed) {
      throw new StoreException("the store is closing; nothing was written", null);
    }
    startWriter();
    if (!queue.offer(unit)) {
      throw StoreException.busy("the store's write queue is full (" + capacity + " changes waiting); nothing was written, try again shortly");
    }
    if (closed) {
      failQueued(); // close() may have drained the queue just before this unit went in
    }
    try {
      return unit.done.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new StoreException("store transaction failed: " + cause, cause);
    }
  }

  private synchronized void startWriter() {
    if (writer == null) {
      writer = new Thread(this::loop, "gatehouse-" + name + "-writer");
      writer.setDaemon(true);
      writer.start();
    }
  }

  private void loop() {
    List<Pending<R>> batch = new ArrayList<>(MAX_BATCH);
    while (!closed) {
      try {
        Pending<R> first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        batch.sort(Comparator.comparing(u -> u.key)); // stable: arrival order within a key
        write(batch);
      } catch (InterruptedException e) {
        break;
      } catch (Throwable e) { // never leave a caller waiting
        fail(batch, e instanceof RuntimeException r ? r : new StoreException("store writer failed: " + e, e));
      } finally {
        batch.clear();
      }
    }
    failQueued();
  }

  private void write(List<Pending<R>> batch) {
    long start = System.nanoTime();
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (batch.size() == 1 || !attempt(c, batch)) {
          for (Pending<R> u : batch) {
            attempt(c, List.of(u));
          }
        }
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      fail(batch, new StoreException("store transaction failed: " + e.getMessage(), e));
    } finally {
      db.record(true, System.nanoTime() - start);
    }
  }

  /**
   * Runs the units in one transaction and answers them. @return false when a unit of several
   * failed: then all was rolled back and none of them is answered
   */
  private boolean attempt(Connection c, List<Pending<R>> units) throws SQLException {
    try {
      writes.write(c, units);
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      db.committed();
      if (units.size() > 1) {
        return false;
      }
      units.get(0).done.completeExceptionally(e instanceof SQLException s ? new StoreException("store transaction failed: " + s.getMessage(), s) : e);
      return true;
    }
    try {
      c.commit();
      db.committed();
    } catch (SQLException e) {
      fail(units, new StoreException("store commit failed (the change may or may not have been written): " + e.getMessage(), e));
      return true;
    }
    commits.increment();
    committedUnits.add(units.size());
    db.recordBatch(units.size());
    for (Pending<R> u : units) {
      u.done.complete(u.answer);
    }
    return true;
  }

  /** Transactions committed so far. */
  long commits() {
    return commits.sum();
  }

  /** Units committed so far (over {@link #commits}: the mean batch). */
  long committedUnits() {
    return committedUnits.sum();
  }

  /** Units waiting for the writer. */
  int queued() {
    return queue.size();
  }

  private static <R> void fail(List<Pending<R>> units, RuntimeException e) {
    for (Pending<R> u : units) {
      u.done.completeExceptionally(e);
    }
  }

  private void failQueued() {
    List<Pending<R>> left = new ArrayList<>();
    queue.drainTo(left);
    fail(left, new StoreException("the store is closing; nothing was written", null));
  }

  /** Writes the batch in hand, then answers what is still queued with a failure. */
  @Override
  public void close() {
    closed = true;
    Thread w;
    synchronized (this) {
      w = writer;
    }
    if (w != null) {
      try {
        w.join(TimeUnit.SECONDS.toMillis(35));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    failQueued();
  }
}
