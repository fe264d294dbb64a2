package dev.gatehouse.sandbox;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.gatehouse.accounts.AccountId;
import java.time.Clock;
import java.time.Duration;

/**
 * Each account's sandbox settings, read on every SEND (fault injection) and so held in memory for
 * a few seconds: a change made on this node applies at once, one made on another node within
 * {@link #FRESH}. Thread-safe; {@link #of} blocks on the store on a miss.
 */
public final class SandboxSettingsDirectory {
  static final Duration FRESH = Duration.ofSeconds(2);

  private final SandboxSettingsRepository repository;
  private final Clock clock;
  private final LoadingCache<AccountId, SandboxSettings> cache;

  public SandboxSettingsDirectory(SandboxSettingsRepository repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
    this.cache = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(FRESH)
        .build(a -> repository.find(a).orElse(SandboxSettings.DEFAULT));
  }

  public SandboxSettings of(AccountId account) {
    return cache.get(account);
  }

  public void set(AccountId account, SandboxSettings settings) {
    repository.save(account, settings, clock.instant());
    cache.put(account, settings);
  }
}
