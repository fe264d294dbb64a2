package dev.gatehouse.consumers;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer registry: which {@code lp_consumer_id} stands for which {@code ext_consumer_id},
 * first and last seen, and which consumers are revoked.
 *
 * <p>Design note. Issuing a ConsumerJWS must not wait on the store, so sightings go into a bounded
 * queue that one writer thread drains in batches ({@link ConsumerRepository#recordAll}, idempotent),
 * gathering for 200 ms from the first sighting or up to 1,000 records, so a commit (which the store
 * writes to its file before returning) carries a batch, not a sighting; and once more on {@link
 * #close()}. A consumer seen again within a
 * minute is not queued again, so {@code last_seen} is exact to a minute ({@link #recent}). While the store fails, the
 * writer keeps its batch and retries (nothing is lost while the node stays up); when the queue is
 * full, new sightings are dropped and counted. A record the store refuses for good (a data error,
 * not an outage) is set aside and counted ({@code gatehouse_consumer_records_rejected_total}), its
 * lp id logged, never its external id, and the rest of its batch is written: one bad row cannot
 * jam the writer. {@link #flush()} keeps what it could not write for the next try; it never
 * discards. What a crash can lose: the sightings queued since
 * the last flush. The {@code lp_consumer_id} never changes, and the record is written again the
 * next time the consumer is issued a token. An erased consumer's record keeps its key as a
 * tombstone in the store ({@link ConsumerRepository#erase}), so a sighting of it written late
 * changes nothing. Revocations are read at start (and again when another node changes them) and
 * written through; the check on the hot path is one probe of a table of fingerprints ({@link
 * RevokedConsumers}, 11-32 bytes a revoked consumer).
 *
 * <p>Thread-safe.
 */
public final class ConsumerRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerRegistry.class);
  private static final int BATCH = 1_000;
  private static final long RECENT_SECONDS = 60;
  private static final int RECENT_SLOTS = 1 << 17;
  /** How long the writer gathers sightings into one batch. */
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final ConsumerRepository repository;
  private final Clock clock;
  private final BlockingQueue<ConsumerRecord> queue;
  /**
   * Released when a record is queued while the writer waits for one ({@link #writerIdle}): wakes
   * it. The writer never holds a record outside the queue and pending.
   */
  private final java.util.concurrent.Semaphore arrived = new java.util.concurrent.Semaphore(0);
  /**
   * Set while the writer waits for a first record, with nothing queued or pending. Only then does a
   * sighting wake it: while it gathers a batch, the sightings that arrive are left for it to find at
   * the end of the linger. Waking it for each (as before) cost a futex wake-up and a switch of
   * threads per new consumer: 3.6% of the event loops' CPU under consumer-new load.
   */
  private volatile boolean writerIdle;
  /**
   * Who was queued in the last minute, in 1 MiB and with no allocation per sighting: one slot per
   * 17 bits of a consumer's hash ({@link #hash}), holding 40 more bits of it and the second it was
   * queued (modulo 2^24). Another consumer taking the slot only means a consumer is queued once more
   * than needed (the write is idempotent); skipping a consumer wrongly would take the same 57 bits
   * of an HMAC, and even then it is queued again at its next token after the minute.
   */
  private final AtomicLongArray recent = new AtomicLongArray(RECENT_SLOTS);
  /** Replaced whole by a reload; changed in place, under this lock, by this node's own acts. */
  private volatile RevokedConsumers revoked;
  /** The store's {@link ConsumerRepository#revokedSummary} when {@link #revoked} was last read whole; guarded by this. */
  private String revokedSummary;
  /** This node's own acts while a whole read runs, to be made on its result too; null when none runs; guarded by this. */
  private List<Act> actsDuringRead;
  /** Held through a whole read of the revocations: one at a time. Taken before this, never after. */
  private final Object reading = new Object();

  /** A revocation (or erasure) or a restore made through this node. */
  private record Act(boolean revoke, String accountId, String lpConsumerId) {
    void applyTo(RevokedConsumers r) {
      if (revoke) {
        r.add(accountId, lpConsumerId);
      } else {
        r.remove(accountId, lpConsumerId);
      }
    }
  }
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  /** Taken off the queue, not yet written; guarded by this. */
  private final List<ConsumerRecord> pending = new ArrayList<>(BATCH);
  private final Thread writer;
  private volatile boolean closing;

  public ConsumerRegistry(ConsumerRepository repository, Clock clock, int queueCapacity) {
    this.repository = repository;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.revokedSummary = repository.revokedSummary(); // before the read: a change during it makes the next reload read again
    this.revoked = readRevoked(repository);
    this.writer = new Thread(this::drainLoop, "gatehouse-consumer-writer");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  private static RevokedConsumers readRevoked(ConsumerRepository repository) {
    RevokedConsumers r = new RevokedConsumers();
    repository.forEachRevoked(r::add);
    return r;
  }

  /** Notes that a consumer was issued a token; never blocks. */
  public void sighted(String accountId, LpConsumerId lp, String extConsumerId) {
    Instant now = clock.instant();
    long h = LpConsumerId.fingerprint(accountId, lp.value());
    int slot = (int) h & (RECENT_SLOTS - 1);
    long mark = (h >>> 24) << 24 | (now.getEpochSecond() & 0xFF_FFFF);
    long last = recent.get(slot);
    if (last >>> 24 == mark >>> 24 && ((mark - last) & 0xFF_FFFF) < RECENT_SECONDS) {
      return;
    }
    recent.set(slot, mark);
    if (!queue.offer(new ConsumerRecord(accountId, lp.value(), extConsumerId, now, now))) {
      dropped.incrementAndGet();
      recent.compareAndSet(slot, mark, 0);
    } else if (writerIdle && arrived.availablePermits() == 0) {
      // after the offer: the writer sets writerIdle before it looks at the queue, so either it
      // sees this record there or this sees it idle
      arrived.release();
    }
  }

  /**
   * Reads the revocations again (another node may have revoked, restored or erased a consumer),
   * unless the store's summary of them is what it was at the last read: the periodic re-read
   * then costs one scan inside the database, not a million rows handed over. The summary is taken
   * before the rows are read, so a change made during the read makes the next call read again;
   * a change made here (or tried: an erasure marks the consumer revoked here before the store
   * answers) forgets the summary, so the next call reads.
   *
   * <p>The read (1-4 s at a million revocations) holds no lock that the writer, revocations,
   * restores and erasures through this node take: what they change meanwhile is noted and made
   * on the new table too before it replaces the old, so none of it is lost whichever side of the
   * read it fell on.
   */
  public void reloadRevocations() {
    synchronized (reading) {
      String summary = repository.revokedSummary();
      synchronized (this) {
        if (summary != null && summary.equals(revokedSummary)) {
          return;
        }
        actsDuringRead = new ArrayList<>();
      }
      RevokedConsumers fresh = null;
      try {
        fresh = readRevoked(repository);
      } finally {
        synchronized (this) {
          if (fresh != null) {
            for (Act a : actsDuringRead) {
              a.applyTo(fresh);
            }
            revoked = fresh;
            revokedSummary = actsDuringRead.isEmpty() ? summary : null;
          }
          actsDuringRead = null;
        }
      }
    }
  }

  /** Makes a revocation or restore through this node on the table, and on the one being read; under this lock. */
  private void act(Act a) {
    revokedSummary = null;
    a.applyTo(revoked);
    if (actsDuringRead != null) {
      actsDuringRead.add(a);
    }
  }

  public boolean isRevoked(String accountId, String lpConsumerId) {
    return revoked.contains(accountId, lpConsumerId);
  }

  /**
   * Writes everything queued so far; blocks on the store.
   *
   * @throws RuntimeException when the store fails;
   *     what was not written stays for the next try
   */
  public synchronized void flush() {
    while (writeBatch()) {
      // until the queue is empty
    }
  }

  /**
   * Writes the pending batch, topped up from the queue. @return whether anything was written
   * (false: nothing was waiting)
   */
  private synchronized boolean writeBatch() {
    if (pending.size() < BATCH) {
      queue.drainTo(pending, BATCH - pending.size());
    }
    if (pending.isEmpty()) {
      return false;
    }
    try {
      repository.recordAll(pending);
      written.addAndGet(pending.size());
    } catch (RuntimeException e) {
      if (!isPermanent(e)) {
        throw e; // the store is down: keep the batch
      }
      writeOneByOne();
    }
    pending.clear();
    return true;
  }

  /** After a batch failed for a reason other than an outage: each record alone, setting aside the ones refused. */
  private void writeOneByOne() {
    for (ConsumerRecord r : pending) {
      try {
        repository.recordAll(List.of(r));
        written.incrementAndGet();
      } catch (RuntimeException e) {
        if (!isPermanent(e)) {
          throw e;
        }
        rejected.incrementAndGet();
        LOG.error("the store refused the record of consumer {} on account {} ({}); set aside, it is written again at its next token",
            r.lpConsumerId(), r.accountId(), e.getMessage());
      }
    }
  }

  /** A refusal that trying again will not mend (the repository says which). */
  static boolean isPermanent(Throwable e) {
    return e instanceof ConsumerRepository.RejectedRecordsException;
  }

  private void drainLoop() {
    long backoffMs = 100;
    while (!closing) {
      try {
        boolean idle;
        synchronized (this) {
          idle = pending.isEmpty() && queue.isEmpty();
        }
        if (idle) {
          // wait for a record without taking it: a record is only ever in the queue or in pending,
          // both read under this lock, so a flush() at any moment sees every record it must write
          arrived.drainPermits();
          boolean woken;
          writerIdle = true;
          try {
            woken = !queue.isEmpty() || arrived.tryAcquire(200, TimeUnit.MILLISECONDS);
          } finally {
            writerIdle = false;
          }
          if (!woken) {
            continue;
          }
          // gather for LINGER: one commit per batch, not one per sighting, which matters now that
          // every commit is written to the file before it returns. Sightings arriving meanwhile
          // do not wake the writer; more than a batch's worth are written in batches one after
          // the other, with no linger between them (the queue holds 100,000)
          TimeUnit.NANOSECONDS.sleep(LINGER_NANOS);
        }
        writeBatch();
        backoffMs = 100;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) { // store down: keep the batch, try again later
        LOG.warn("writing {} consumer records failed ({}); retrying in {} ms", pending.size(), e.getMessage(), backoffMs);
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
    flush();
  }

  public Optional<ConsumerRecord> find(String accountId, String lpConsumerId) {
    flush();
    return repository.find(accountId, lpConsumerId);
  }

  public List<ConsumerRecord> list(String accountId, String afterLp, int limit) {
    flush();
    return repository.list(accountId, afterLp, limit);
  }

  public synchronized void revoke(String accountId, String lpConsumerId) {
    repository.revoke(accountId, lpConsumerId, clock.instant());
    act(new Act(true, accountId, lpConsumerId));
  }

  /** @return false if it was not revoked, or was erased */
  public synchronized boolean restore(String accountId, String lpConsumerId) {
    boolean ok = repository.restore(accountId, lpConsumerId);
    if (ok) {
      act(new Act(false, accountId, lpConsumerId));
    }
    return ok;
  }

  /**
   * Forgets a consumer: its record is deleted, it is revoked (a token issued before cannot be used,
   * and it gets no new one), and the erasure is kept without the external id.
   *
   * @return whether a record existed
   */
  public synchronized boolean erase(String accountId, String lpConsumerId) {
    flush();
    act(new Act(true, accountId, lpConsumerId)); // revoked here before the store answers
    if (LpConsumerId.isValid(lpConsumerId)) {
      recent.set((int) LpConsumerId.fingerprint(accountId, lpConsumerId) & (RECENT_SLOTS - 1), 0);
    }
    return repository.erase(accountId, lpConsumerId, clock.instant());
  }

  public long dropped() {
    return dropped.get();
  }

  /** Records the store refused for good and that were set aside. */
  public long rejected() {
    return rejected.get();
  }

  public long written() {
    return written.get();
  }

  public int queued() {
    return queue.size();
  }

  /** Stops the writer after writing what is queued. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
