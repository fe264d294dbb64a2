package dev.gatehouse.keys;

import java.time.Instant;
import java.util.List;

/** Where signing keys are kept. Implementations are thread-safe. */
public interface SigningKeyRepository {
  List<StoredSigningKey> findAll();

  /** @return false if a key with this kid already exists (nothing is written then) */
  boolean insert(StoredSigningKey key);

  /** Sets a key's state and its retirement time (null for none); a key set RETIRED loses its sealed private half. */
  void updateState(String kid, KeyState state, Instant retireAt);

  /**
   * In one transaction: {@code next} becomes ACTIVE, {@code current} becomes RETIRING with the
   * given retirement time. @return false if either was no longer in the expected state
   */
  boolean promote(String next, String current, Instant currentRetireAt);

  /** Replaces a key's sealed private key (same key, sealed anew), if it is still {@code expected}. */
  void reseal(String kid, String expected, String sealed);
}
