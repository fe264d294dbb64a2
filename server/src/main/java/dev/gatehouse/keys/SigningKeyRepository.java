package dev.gatehouse.keys;

import java.util.List;

/** Where signing keys are kept. Implementations are thread-safe. */
public interface SigningKeyRepository {
  List<StoredSigningKey> findAll();

  /** @return false if a key with this kid already exists (nothing is written then) */
  boolean insert(StoredSigningKey key);

  void updateState(String kid, KeyState state);
}
