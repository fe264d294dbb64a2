package dev.gatehouse.issuance;

import dev.gatehouse.accounts.Account;
import dev.gatehouse.accounts.AccountDirectory;
import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.cluster.MissLookups;
import dev.gatehouse.consumers.ConsumerRegistry;
import dev.gatehouse.consumers.ExtConsumerId;
import dev.gatehouse.consumers.LpConsumerId;
import dev.gatehouse.tokens.AppTokenVerifier;
import dev.gatehouse.tokens.ConsumerTokenIssuer;
import dev.gatehouse.tokens.TokenRejectedException;
import dev.gatehouse.tokens.VerifiedAppToken;

/**
 * The IDP's grant of a ConsumerJWS, in two steps so that a client learns what to mend in the order
 * it can act on it: {@link #authorize} the caller (the AppJWT: signature, expiry, account, scope;
 * then the app's standing), and only then {@link #issue} for one {@code ext_consumer_id} (its rule,
 * its derived {@code lp_consumer_id}, revocation, signing, and the record in the registry).
 *
 * <p>Thread-safe; no store access except {@link #catchUp}, which blocks.
 */
public final class ConsumerTokenGrant {
  /** The scope an AppJWT needs to get ConsumerJWS. */
  public static final String SCOPE = dev.gatehouse.apps.App.CONSUMER_SCOPE;

  /** What authorizing a caller comes to. */
  public sealed interface Authorization permits AuthorizedCaller, NotSeenYet, GrantRefused {}

  /** An app in good standing, calling for its own account. Only {@link #authorize} makes one. */
  public static final class AuthorizedCaller implements Authorization {
    private final Account account;
    private final VerifiedAppToken token;

    private AuthorizedCaller(Account account, VerifiedAppToken token) {
      this.account = account;
      this.token = token;
    }

    public Account account() {
      return account;
    }

    public VerifiedAppToken token() {
      return token;
    }
  }

  /**
   * A genuine AppJWT of an app or account this node has not seen yet (made through another node a
   * moment ago): call {@link #catchUp} off the event loop, then {@link #authorize} again.
   */
  public record NotSeenYet(VerifiedAppToken token, AccountId account) implements Authorization {}

  /** What issuing comes to. */
  public sealed interface Result permits Issued, GrantRefused {}

  /** The ConsumerJWS and the consumer's stable id. */
  public record Issued(String token, LpConsumerId lpConsumerId) implements Result {
    @Override
    public String toString() {
      return "Issued[" + lpConsumerId + "]";
    }
  }

  private final AppTokenVerifier verifier;
  private final CallerStanding standing;
  private final AppDirectory apps;
  private final AccountDirectory accounts;
  private final ConsumerTokenIssuer issuer;
  private final ConsumerRegistry registry;
  private final MissLookups misses;
  private final dev.gatehouse.limits.Quotas quotas;

  public ConsumerTokenGrant(AppTokenVerifier verifier, CallerStanding standing, AppDirectory apps, AccountDirectory accounts,
      ConsumerTokenIssuer issuer, ConsumerRegistry registry, MissLookups misses, dev.gatehouse.limits.Quotas quotas) {
    this.quotas = quotas;
    this.verifier = verifier;
    this.standing = standing;
    this.apps = apps;
    this.accounts = accounts;
    this.issuer = issuer;
    this.registry = registry;
    this.misses = misses;
  }

  /** @param appJwt the AppJWT from {@code Authorization} (null when absent) */
  public Authorization authorize(AccountId account, String appJwt) {
    String stale = standing.staleProblem();
    if (stale != null) {
      return GrantRefused.of(GrantRefused.Reason.TEMPORARILY_UNAVAILABLE, stale);
    }
    VerifiedAppToken vt;
    try {
      vt = verifier.verify(appJwt, account, SCOPE);
    } catch (TokenRejectedException e) {
      return GrantRefused.of(e.reason() == TokenRejectedException.Reason.INSUFFICIENT_SCOPE
          ? GrantRefused.Reason.INSUFFICIENT_SCOPE : GrantRefused.Reason.INVALID_TOKEN, e.getMessage());
    }
    if ((apps.find(vt.clientId()).isEmpty() || accounts.find(account).isEmpty()) && misses.allow(vt.clientId().value())) {
      return new NotSeenYet(vt, account);
    }
    String problem = standing.appProblem(vt.clientId().value(), account.value(), vt.issuedAtEpochSecond());
    if (problem != null) {
      return GrantRefused.of(GrantRefused.Reason.INVALID_TOKEN, problem);
    }
    Account a = accounts.find(account).orElse(null);
    if (a == null) {
      return GrantRefused.of(GrantRefused.Reason.INVALID_TOKEN, "account " + account + " no longer exists");
    }
    return new AuthorizedCaller(a, vt);
  }

  /** Reads the app and the account from the store (blocking), after {@link NotSeenYet}. */
  public void catchUp(NotSeenYet miss) {
    apps.findOrLoad(miss.token().clientId());
    accounts.findOrLoad(miss.account());
  }

  /** @param extConsumerId the connector's id for the consumer, not yet checked */
  public Result issue(AuthorizedCaller caller, String extConsumerId) {
    String problem = ExtConsumerId.problem(extConsumerId);
    if (problem != null) {
      return GrantRefused.of(GrantRefused.Reason.INVALID_REQUEST, problem);
    }
    Account account = caller.account();
    LpConsumerId lp = account.consumerIdKey().derive(extConsumerId);
    if (standing.consumerRevoked(account.id().value(), lp.value())) {
      return GrantRefused.of(GrantRefused.Reason.ACCESS_DENIED, "consumer " + lp + " is revoked on account " + account.id());
    }
    if (quotas.limits(dev.gatehouse.limits.Quotas.Kind.NEW_CONSUMERS) && !issuer.issuedLately(account, extConsumerId, lp)) {
      // a consumer not issued a token lately: counts against the app's quota of new consumers
      java.time.Duration over = quotas.take(dev.gatehouse.limits.Quotas.Kind.NEW_CONSUMERS, caller.token().clientId().value());
      if (over != null) {
        return new GrantRefused(GrantRefused.Reason.TOO_MANY_ATTEMPTS, "this app has had its quota of new consumers for this minute", over);
      }
    }
    ConsumerTokenIssuer.ConsumerToken t = issuer.issue(account, extConsumerId, lp);
    registry.sighted(account.id().value(), lp, extConsumerId);
    return new Issued(t.token(), lp);
  }
}
