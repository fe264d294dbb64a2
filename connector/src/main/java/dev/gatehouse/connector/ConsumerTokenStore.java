package dev.gatehouse.connector;

import java.util.Optional;

/**
 * Where a connector keeps ConsumerJWS beyond the client's in-memory cache. A ConsumerJWS does not
 * expire, so a connector that restarts can use the ones it had instead of asking the IDP again.
 * Implementations must be thread-safe; the client calls them from the threads that call it.
 */
public interface ConsumerTokenStore {
  /** Keeps nothing. */
  ConsumerTokenStore NONE = new ConsumerTokenStore() {
    @Override
    public Optional<String> load(String accountId, String extConsumerId) {
      return Optional.empty();
    }

    @Override
    public void save(String accountId, String extConsumerId, String consumerJws) {}

    @Override
    public void remove(String accountId, String extConsumerId) {}
  };

  Optional<String> load(String accountId, String extConsumerId);

  void save(String accountId, String extConsumerId, String consumerJws);

  /** The token was refused (40103): forget it. */
  void remove(String accountId, String extConsumerId);
}
