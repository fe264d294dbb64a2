package dev.gatehouse.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded H2 file near the size of its live data.
 *
 * <p>Design note. H2 writes every commit as a new chunk at a free place in the file, and a chunk's
 * space is reused only once nothing in it is live. A batch of new consumers rewrites one leaf of the
 * primary-key index per consumer (the keys are random) and a few leaves of the table itself, which
 * then never change again: the index leaves are soon rewritten by later batches, the table's stay,
 * and each pins its whole chunk. H2's background thread would rewrite such pages into new chunks,
 * but {@code WRITE_DELAY=0} (a commit is in the file before it returns; see {@link Database#h2})
 * switches that thread off. Measured without this class: 2.4 million new consumers at 4,000/s
 * (the registry's batches, from a JDBC program) left a 12.8 GB file of which 2% was live, and the
 * 30-minute soak 18.8 GB; with it, 1.3 GB for the same CPU time (183 and 185 s: the rewriting
 * costs about what the smaller file saves in writes). Rewriting more per pass, or at a higher
 * share, made the file smaller (0.9 GB at 50%, 16 MB a pass) for 14-19% more CPU.
 *
 * <p>So this thread does that work, once a second: when less than {@link #CHUNK_TARGET}% of the
 * chunks' bytes are live, it has H2 rewrite the live pages of the sparsest chunks older than the
 * retention time (up to {@link #REWRITE_BYTES} a pass; H2 gives up for the pass if a commit holds
 * the store for more than 10 ms), and those chunks' space is reused by later commits; when less
 * than {@link #FILE_TARGET}% of the file is in use (after a burst or a purge), it moves chunks
 * towards the start and truncates the file. Both are H2's own operations, done the way its
 * background thread does them, so a crash in the middle is what H2 recovers from anyway
 * ({@code CrashTest} kills a node while they run). The rewritten pages reach the file with the
 * next commit; nothing is lost or written twice.
 *
 * <p>The retention time (how long a chunk that is no longer used keeps its space) is 5 s instead of
 * H2's 45 s ({@link #RETENTION_MILLIS}, set in the URL): H2 keeps old chunks so that a disk that
 * reorders writes in a power cut can fall back to an older version, and H2 here does not
 * {@code fsync} its commits, so a power cut is not covered either way (README, "What a crash can
 * lose"); a killed process loses nothing the kernel already has. At 4,000 new consumers a second
 * H2 writes ~15 MB/s, so 45 s of retention alone keeps ~700 MB of the file from being reused.
 *
 * <p>Thread-safe; {@link #close()} stops the thread before the store closes.
 */
final class H2Housekeeping implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);
  /** How long an unused chunk keeps its space, in ms (H2's default: 45,000). */
  static final int RETENTION_MILLIS = 5_000;
  /** Rewrite pages when less than this share (%) of the chunks' bytes is live. */
  static final int CHUNK_TARGET = 30;
  /** Move chunks and truncate when less than this share (%) of the file is in use. */
  static final int FILE_TARGET = 50;
  /** At most this many live bytes rewritten per pass. */
  static final int REWRITE_BYTES = 4 << 20;
  /** At most this many bytes of chunks moved per pass. */
  static final int MOVE_BYTES = 16 << 20;

  private final MVStore store;
  /** Checked after each pass: moving chunks writes chunks of its own (null: no check). */
  private final H2CommitChain chain;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  private volatile io.micrometer.core.instrument.Timer passes;

  private H2Housekeeping(MVStore store, H2CommitChain chain) {
    this.store = store;
    this.chain = chain;
    this.thread = new Thread(this::run, "gatehouse-h2-housekeeping");
    this.thread.setDaemon(true);
  }

  /** The MVStore of the H2 database behind {@code ds}, for this class and {@link H2CommitChain}; null (with a warning) if it is not one they know. */
  static MVStore mvStore(DataSource ds) {
    try (Connection c = ds.getConnection()) {
      org.h2.engine.Session session = c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession();
      return ((org.h2.engine.SessionLocal) session).getDatabase().getStore().getMvStore();
    } catch (SQLException | RuntimeException e) {
      LOG.warn("H2 housekeeping and the commit-chain check are off ({}): the store's file will grow with every write, and a kill -9"
          + " may lose the last acknowledged writes (see H2CommitChain)", e.getClass().getSimpleName());
      return null;
    }
  }

  /** Starts housekeeping for {@code store}, checking {@code chain} after each pass; null (with a warning) if it is not a single file. */
  static H2Housekeeping start(MVStore store, H2CommitChain chain) {
    if (store == null) {
      return null;
    }
    if (!(store.getFileStore() instanceof RandomAccessStore)) {
      LOG.warn("H2 housekeeping is off: not a single-file store");
      return null;
    }
    H2Housekeeping h = new H2Housekeeping(store, chain);
    h.thread.start();
    return h;
  }

  private void run() {
    try {
      while (!stop.await(1, TimeUnit.SECONDS)) {
        try {
          pass();
        } catch (RuntimeException e) {
          if (store.isClosed()) {
            return;
          }
          LOG.warn("H2 housekeeping pass failed: {}", e.toString());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One pass; what the thread runs once a second. Returns whether it rewrote or moved anything. */
  boolean pass() {
    if (store.isClosed()) {
      return false;
    }
    try {
      long start = System.nanoTime();
      FileStore<?> file = store.getFileStore();
      // compact() does nothing while CHUNK_TARGET% or more of the chunks' bytes are live (H2's own check)
      boolean worked = store.compact(CHUNK_TARGET, REWRITE_BYTES);
      // compactMoveChunks() checks the file's share in use too, but only once it holds the store's
      // lock: checked here first, so that a pass with nothing to move takes no lock
      int fill = file.getFillRate();
      if (fill < FILE_TARGET) {
        long size = file.size();
        ((RandomAccessStore) file).compactMoveChunks(FILE_TARGET, MOVE_BYTES, store);
        worked |= file.size() < size || file.getFillRate() > fill;
      }
      io.micrometer.core.instrument.Timer t = passes;
      if (worked && t != null) {
        t.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
      return worked;
    } finally {
      if (chain != null) {
        chain.check(); // moving chunks writes chunks, as a commit does (a volatile read when none was written)
      }
    }
  }

  long fileBytes() {
    return !store.isClosed() ? store.getFileStore().size() : 0;
  }

  /** Share (0-1) of the file in use by chunks. */
  double fileFill() {
    return !store.isClosed() ? store.getFileStore().getFillRate() / 100.0 : Double.NaN;
  }

  /** Share (0-1) of the chunks' bytes that is live. */
  double chunksFill() {
    return !store.isClosed() ? store.getFileStore().getChunksFillRate() / 100.0 : Double.NaN;
  }

  void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    io.micrometer.core.instrument.Gauge.builder("gatehouse.store.file", this, H2Housekeeping::fileBytes).baseUnit("bytes")
        .description("Size of the embedded H2 file").register(registry);
    io.micrometer.core.instrument.Gauge.builder("gatehouse.store.fill", this, H2Housekeeping::fileFill).tag("part", "file").baseUnit("ratio")
        .description("Share of the H2 file in use (part=file) and of its chunks' bytes still live (part=chunks)").register(registry);
    io.micrometer.core.instrument.Gauge.builder("gatehouse.store.fill", this, H2Housekeeping::chunksFill).tag("part", "chunks").baseUnit("ratio")
        .description("Share of the H2 file in use (part=file) and of its chunks' bytes still live (part=chunks)").register(registry);
    passes = io.micrometer.core.instrument.Timer.builder("gatehouse.store.compaction")
        .description("H2 housekeeping passes that rewrote live pages of sparse chunks or moved chunks to shrink the file").register(registry);
  }

  /** Stops the thread (never by interrupting it: an interrupt in file I/O would close H2's file channel). */
  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
