package dev.gatehouse.consumers;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The revoked consumers of every account, as the 64-bit fingerprints of (account, lp id) in one
 * open-addressed table of 8-byte slots, a quarter to three quarters of them used: 11-32 bytes a
 * revoked consumer. A set of {@code "account/lp"} strings took about 200, and with a million
 * erasures in the store (they are kept for good, so they only grow) ran the 160 MB heap out at
 * start.
 *
 * <p>Exactness. An lp id is the hex of an HMAC under the account's secret, so its first 64 bits are
 * evenly spread and no client can choose them ({@link LpConsumerId#fingerprint} mixes the account
 * in). A consumer that is not revoked is taken for revoked only if its fingerprint equals one of the
 * n revoked ones: a chance of n / 2^64 per look-up (5e-14 with a million revoked), and only in that
 * direction: a revoked consumer is never missed. A text that is not an lp id is never revoked here:
 * no token can carry one.
 *
 * <p>Threads: look-ups take no lock (the table is an {@link AtomicLongArray} behind a volatile
 * reference); changes are serialised by this object's lock. A removed fingerprint leaves a marker
 * that probes pass over, so a look-up running beside a change never misses a fingerprint that was
 * there before the change and is still there after it; a table that grows is filled in full before
 * it is published.
 */
public final class RevokedConsumers {
  private static final long EMPTY = 0;
  private static final long GONE = 1;
  private static final int MIN_SLOTS = 64;

  private volatile AtomicLongArray slots = new AtomicLongArray(MIN_SLOTS);
  /** Slots that are not EMPTY (fingerprints and GONE markers); guarded by this. */
  private int used;
  private volatile int size;

  /** The table's fingerprint of a consumer: never EMPTY or GONE. */
  private static long fingerprint(String accountId, String lp) {
    long f = LpConsumerId.fingerprint(accountId, lp); // never 0
    return f == GONE ? 2 : f;
  }

  private static int start(long f, int mask) {
    return (int) (f ^ (f >>> 32)) & mask;
  }

  /** The slot holding {@code f} in {@code s}, or -1. */
  private static int slotOf(AtomicLongArray s, long f) {
    int mask = s.length() - 1;
    for (int i = start(f, mask); ; i = (i + 1) & mask) { // ends: at most 3/4 of the slots are used
      long v = s.get(i);
      if (v == f) {
        return i;
      }
      if (v == EMPTY) {
        return -1;
      }
    }
  }

  public boolean contains(String accountId, String lp) {
    return size != 0 && LpConsumerId.isValid(lp) && slotOf(slots, fingerprint(accountId, lp)) >= 0;
  }

  /** @return whether it was added (false: already there, or not an lp id) */
  public synchronized boolean add(String accountId, String lp) {
    if (!LpConsumerId.isValid(lp)) {
      return false;
    }
    long f = fingerprint(accountId, lp);
    if (slotOf(slots, f) >= 0) {
      return false;
    }
    if ((used + 1) * 4L > slots.length() * 3L) {
      rebuild(Math.max(MIN_SLOTS, Integer.highestOneBit(size + 1) << 2)); // at most half used after
    }
    AtomicLongArray s = slots;
    int mask = s.length() - 1;
    int i = start(f, mask);
    while (s.get(i) != EMPTY && s.get(i) != GONE) {
      i = (i + 1) & mask;
    }
    if (s.get(i) == EMPTY) {
      used++;
    }
    s.set(i, f);
    size++;
    return true;
  }

  /** @return whether it was there */
  public synchronized boolean remove(String accountId, String lp) {
    if (size == 0 || !LpConsumerId.isValid(lp)) {
      return false;
    }
    AtomicLongArray s = slots;
    int i = slotOf(s, fingerprint(accountId, lp));
    if (i < 0) {
      return false;
    }
    s.set(i, GONE);
    size--;
    return true;
  }

  public int size() {
    return size;
  }

  /** Bytes the table takes on the heap (its slots). */
  public synchronized long bytes() {
    return slots.length() * 8L;
  }

  /**
   * A table of {@code capacity} slots (a power of two, at least twice the fingerprints) with the
   * fingerprints and without the markers, published once filled.
   */
  private void rebuild(int capacity) {
    AtomicLongArray old = slots;
    AtomicLongArray next = new AtomicLongArray(capacity);
    int mask = capacity - 1;
    for (int j = 0; j < old.length(); j++) {
      long f = old.get(j);
      if (f != EMPTY && f != GONE) {
        int i = start(f, mask);
        while (next.get(i) != EMPTY) {
          i = (i + 1) & mask;
        }
        next.set(i, f);
      }
    }
    used = size;
    slots = next;
  }
}
