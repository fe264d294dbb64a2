package dev.gatehouse.sandbox;

import dev.gatehouse.accounts.AccountId;
import java.util.Optional;

/** Where each account's sandbox settings are kept. Implementations are thread-safe. */
public interface SandboxSettingsRepository {
  Optional<SandboxSettings> find(AccountId account);

  void save(AccountId account, SandboxSettings settings, java.time.Instant at);
}
