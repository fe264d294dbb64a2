package dev.gatehouse.issuance;

import dev.gatehouse.accounts.AccountDirectory;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.consumers.ConsumerRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The standing rules of a token whose signature is good: the app it was issued to still exists on
 * that account and is enabled; the consumer is not revoked; and this node's view of those facts is
 * fresh enough to decide on. Written once here and asked by every place that accepts tokens: the
 * IDP, the gateway check and introspection. (That the signing key is still published is the key
 * source's rule, checked inside verification.)
 *
 * <p>Thread-safe; reads in-memory directories only.
 */
public final class CallerStanding {
  private final AppDirectory apps;
  private final AccountDirectory accounts;
  private final ConsumerRegistry consumers;
  private final Supplier<Duration> staleness;
  private final Duration maxStaleness;

  /**
   * @param staleness how long ago this node last knew its view matched the store
   * @param maxStaleness past this, every decision fails closed ({@link Duration#ZERO}: never)
   */
  public CallerStanding(AppDirectory apps, AccountDirectory accounts, ConsumerRegistry consumers,
      Supplier<Duration> staleness, Duration maxStaleness) {
    this.apps = apps;
    this.accounts = accounts;
    this.consumers = consumers;
    this.staleness = staleness;
    this.maxStaleness = maxStaleness;
  }

  /** This node's view is too old to decide on: it has not read the store for longer than allowed. */
  public static final class StaleViewException extends RuntimeException {
    public StaleViewException(String description) {
      super(description, null, false, false);
    }
  }

  /** @return null while this node's view is fresh enough to decide on, else why not, for the client */
  public String staleProblem() {
    if (maxStaleness.isZero()) {
      return null;
    }
    Duration age = staleness.get();
    return age.compareTo(maxStaleness) <= 0 ? null
        : "this node has not been able to read the store for " + age.toSeconds() + " s (more than the " + maxStaleness.toSeconds()
            + " s allowed), so it cannot tell whether apps, consumers or keys were changed; try another node or later";
  }

  /** @throws StaleViewException when the view is older than allowed */
  public void requireFresh() {
    String problem = staleProblem();
    if (problem != null) {
      throw new StaleViewException(problem);
    }
  }

  /** Whether {@link #requireFresh} would pass. */
  public boolean isFresh() {
    return staleProblem() == null;
  }

  /**
   * @param issuedAt the AppJWT's {@code iat} (epoch seconds)
   * @return null when the app {@code clientId} exists on {@code accountId}, is enabled, and has not
   *     revoked tokens issued at {@code issuedAt} (by being disabled or having its secret cut off
   *     since), and the account exists; else what is wrong, for the client
   */
  public String appProblem(String clientId, String accountId, long issuedAt) {
    ClientId id = ClientId.parseOrNull(clientId);
    App app = id == null ? null : apps.find(id).orElse(null);
    if (app == null || !app.accountId().value().equals(accountId)) {
      return "the app this AppJWT was issued to no longer exists";
    }
    if (!app.enabled()) {
      return "the app " + app.clientId() + " this AppJWT was issued to is disabled";
    }
    if (!app.honoursTokenIssuedAt(issuedAt)) {
      return "this AppJWT was issued before its app was disabled or its secret was cut off; get a new one from Sentinel";
    }
    if (accounts.find(accountId).isEmpty()) {
      return "account " + accountId + " no longer exists";
    }
    return null;
  }

  /**
   * @return null when the account exists and the consumer is not revoked or erased, else what is
   *     wrong, for the client
   */
  public String consumerProblem(String accountId, String lpConsumerId) {
    if (accounts.find(accountId).isEmpty()) {
      return "account " + accountId + " no longer exists";
    }
    return consumers.isRevoked(accountId, lpConsumerId) ? "the consumer of this ConsumerJWS is revoked" : null;
  }

  /** Whether the consumer {@code lpConsumerId} of the account is revoked (or erased). */
  public boolean consumerRevoked(String accountId, String lpConsumerId) {
    return consumers.isRevoked(accountId, lpConsumerId);
  }
}
