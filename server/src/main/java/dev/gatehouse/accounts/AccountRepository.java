package dev.gatehouse.accounts;

import java.util.List;

/** Where accounts are kept. Implementations are thread-safe. */
public interface AccountRepository {
  List<StoredAccount> findAll();

  /** @return false if an account with this id exists already (nothing is written then) */
  boolean insert(StoredAccount account);
}
