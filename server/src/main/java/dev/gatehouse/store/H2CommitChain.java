package dev.gatehouse.store;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.mvstore.Chunk;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure that every commit H2 has written is found again when the file is opened after the
 * process was killed, before the commit is acknowledged.
 *
 * <p>Design note. H2 writes each commit as a chunk, at the first free place in the file that fits.
 * On open after a crash it looks for the newest chunk in two places: the chunk the store header
 * names, and the chunk whose footer ends the file; from the newer of the two it follows each
 * chunk's {@code next} field, H2's guess (made when the chunk was written) at where the chunk after
 * it would go. When a guess turns out wrong (a hole freed in the meantime, or a bigger chunk), H2
 * rewrites the header so that recovery does not depend on it. But H2 2.3 and 2.5 write that header
 * before they note the new chunk as the last one ({@code FileStore.storeBuffer} sets {@code
 * lastChunk} after {@code RandomAccessStore.writeChunk} has written the header), so the header
 * names the chunk before, whose wrong guess leads nowhere: the new chunk, and those written after it
 * on correct guesses, are not found until the header is written again (at the next wrong guess, or
 * 20 versions on). A kill -9 in that window loses commits that were in the file and acknowledged.
 * Found by {@code SandboxCrashTest} under CPU load (3 runs of 10 lost 2-11 of ~100 acknowledged
 * SENDs; the file held them, in chunks past the one its header named); {@link
 * H2CommitChainTest} shows it directly.
 *
 * <p>So after each commit (the store's write paths call {@link Database#committed()} before they
 * answer), and after each chunk H2 writes on other occasions (a rollback; a new session, whose
 * settings H2 commits on the thread that opens it, see {@link H2Connections}; a housekeeping
 * pass, which moves chunks), this class checks that H2's last chunk ends the file or is the one the header names,
 * and if neither, has H2 write its header again, now naming it. It does not count on H2's guesses
 * (recovery would often follow them to the chunk, but where it starts following depends on what
 * lies at the end of the file, which may be a dead chunk's bytes). Both are done under H2's own
 * lock for chunk writes, with H2's own header writer. The check costs a volatile read when no chunk
 * was written since the last check; a repair costs one 8 KiB write at the start of the file, in the
 * page cache like the chunk (H2 does not {@code fsync} here: see the README on what a power cut can
 * lose). The members it uses are not H2's public API: they are looked up once, and if this H2
 * lacks them the check is off, a warning is logged, and {@code H2CommitChainTest} fails.
 *
 * <p>Thread-safe.
 */
final class H2CommitChain {
  private static final Logger LOG = LoggerFactory.getLogger(H2CommitChain.class);

  /** H2's block size in bytes (chunk positions and lengths are in blocks). */
  private static final long BLOCK = 4096;

  private final FileStore<?> file;
  private final MethodHandle lastChunk;
  private final MethodHandle storeHeader;
  private final MethodHandle writeStoreHeader;
  private final ReentrantLock saveChunkLock;
  /** The id of the last chunk known to be found by a recovery (ids are compared for equality: they wrap). */
  private volatile int checked = Integer.MIN_VALUE;
  private final java.util.concurrent.atomic.LongAdder repairs = new java.util.concurrent.atomic.LongAdder();

  private H2CommitChain(FileStore<?> file, MethodHandle lastChunk, MethodHandle storeHeader, MethodHandle writeStoreHeader,
      ReentrantLock saveChunkLock) {
    this.file = file;
    this.lastChunk = lastChunk;
    this.storeHeader = storeHeader;
    this.writeStoreHeader = writeStoreHeader;
    this.saveChunkLock = saveChunkLock;
  }

  /** The check for {@code store}'s file; null, with a warning, if this H2 lacks what it needs. */
  static H2CommitChain of(MVStore store) {
    if (store == null || !(store.getFileStore() instanceof RandomAccessStore)) {
      return null;
    }
    try {
      MethodHandles.Lookup fs = MethodHandles.privateLookupIn(FileStore.class, MethodHandles.lookup());
      MethodHandles.Lookup ras = MethodHandles.privateLookupIn(RandomAccessStore.class, MethodHandles.lookup());
      java.lang.reflect.Field lock = FileStore.class.getDeclaredField("saveChunkLock");
      lock.setAccessible(true);
      return new H2CommitChain(store.getFileStore(),
          fs.findGetter(FileStore.class, "lastChunk", Chunk.class),
          fs.findGetter(FileStore.class, "storeHeader", java.util.HashMap.class),
          ras.findVirtual(RandomAccessStore.class, "writeStoreHeader", MethodType.methodType(void.class)),
          (ReentrantLock) lock.get(store.getFileStore()));
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("H2's commit chain is not checked ({}): a kill -9 may lose the last acknowledged writes; see H2CommitChain", e.toString());
      return null;
    }
  }

  /**
   * Called after a commit, before it is acknowledged: if the last chunk cannot be reached from the
   * header, has H2 write the header again. Never throws (a failure is logged; the commit stands).
   */
  void check() {
    try {
      Chunk<?> last = (Chunk<?>) lastChunk.invoke(file);
      if (last == null || last.id == checked) {
        return;
      }
      saveChunkLock.lock();
      try {
        last = (Chunk<?>) lastChunk.invoke(file);
        if (last == null || last.id == checked) {
          return;
        }
        if (!reachable(last)) {
          header().remove("clean"); // as H2 does at any write: this header must not say the file was closed cleanly
          writeStoreHeader.invoke(file);
          repairs.increment();
        }
        checked = last.id;
      } finally {
        saveChunkLock.unlock();
      }
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      LOG.warn("checking H2's commit chain failed: {}", e.toString());
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> header() throws Throwable {
    return (Map<String, Object>) storeHeader.invoke(file);
  }

  /**
   * Whether recovery will find {@code last}: it ends the file (recovery reads the footer in the
   * file's last block), or the header names it. Following H2's {@code next} guesses from the
   * header would often find it too, but where recovery starts following them depends on what
   * lies at the end of the file (a dead chunk's bytes may), so this does not count on them. Under
   * the lock.
   */
  private boolean reachable(Chunk<?> last) throws Throwable {
    if ((last.block + last.len) * BLOCK >= file.size()) {
      return true;
    }
    Object named = header().get("chunk");
    return named != null && (named instanceof Number n ? n.intValue() : Integer.parseInt(named.toString(), 16)) == last.id;
  }

  /** Headers written again so far because the last chunk could not be reached. */
  long repairs() {
    return repairs.sum();
  }

  /** Whether a recovery would find H2's last chunk now (for tests). */
  boolean intact() {
    saveChunkLock.lock();
    try {
      Chunk<?> last = (Chunk<?>) lastChunk.invoke(file);
      return last == null || reachable(last);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    } finally {
      saveChunkLock.unlock();
    }
  }
}
