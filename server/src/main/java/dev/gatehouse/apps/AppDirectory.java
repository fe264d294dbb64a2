package dev.gatehouse.apps;

import dev.gatehouse.accounts.AccountId;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * All app installations, held in memory so client authentication never waits on the store: loaded
 * at start, written through on every change (a disable takes effect on this node at once).
 *
 * <p>Thread-safe. Mutations and reloads take turns (a reload that read the store before a change
 * made here must not put the old state back) and block on the store; lookups and {@link
 * #authenticate} never do.
 */
public final class AppDirectory {
  private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+"); // RFC 6749 §3.3

  private static final String NO_HASH = "0".repeat(64);

  private final AppRepository repository;
  private final ClientSecrets secrets;
  private final Clock clock;
  private final Map<ClientId, App> byId = new ConcurrentHashMap<>();

  public AppDirectory(AppRepository repository, ClientSecrets secrets, Clock clock) {
    this.repository = repository;
    this.secrets = secrets;
    this.clock = clock;
  }

  public synchronized void reload() {
    Map<ClientId, App> fresh = new ConcurrentHashMap<>();
    for (App a : repository.findAll()) {
      fresh.put(a.clientId(), a);
    }
    byId.keySet().retainAll(fresh.keySet());
    byId.putAll(fresh);
  }

  /** The app and its secret in clear, which exists only in this value and is never stored. */
  public record CreatedApp(App app, String clientSecret) {
    @Override
    public String toString() {
      return "CreatedApp[" + app + "]";
    }
  }

  /**
   * @param scopes the scopes the app may request; empty means {@value App#CONSUMER_SCOPE}
   * @throws IllegalArgumentException for a scope that is not an RFC 6749 scope token
   */
  public synchronized CreatedApp create(AccountId account, String name, List<String> scopes) {
    return create(account, name, scopes, null);
  }

  /**
   * @param webhooks the app's webhook registration, or null; with one, the secret is also kept
   *     sealed, to sign deliveries
   */
  public synchronized CreatedApp create(AccountId account, String name, List<String> scopes, WebhookConfig webhooks) {
    List<String> s = scopes.isEmpty() ? List.of(App.CONSUMER_SCOPE) : scopes;
    for (String t : s) {
      if (!SCOPE_TOKEN.matcher(t).matches()) {
        throw new IllegalArgumentException("scope token '" + t + "' has characters RFC 6749 §3.3 does not allow");
      }
    }
    String secret = secrets.generate();
    Instant now = clock.instant();
    ClientId id = ClientId.random();
    App app = new App(id, account, name, secrets.hash(secret), s.stream().distinct().toList(), true, now, now, null, null, null,
        webhooks, webhooks == null ? null : secrets.seal(id, secret));
    repository.insert(app);
    byId.put(app.clientId(), app);
    return new CreatedApp(app, secret);
  }

  /**
   * The app as stored now, also held in memory from here on: a change is made to what the store
   * holds, not to what this node last saw (another node may have changed it since).
   */
  private App current(ClientId id) {
    App fresh = repository.find(id).orElse(null);
    if (fresh == null) {
      byId.remove(id);
    } else {
      byId.put(id, fresh);
    }
    return fresh;
  }

  /** Reads one app again from the store (for an admin call about an app this node has not seen yet). */
  public synchronized Optional<App> refresh(ClientId id) {
    return Optional.ofNullable(current(id));
  }

  /**
   * The app, reading the store when this node does not hold it (made through another node a moment
   * ago). Blocks on the store on a miss: call it off the event loop.
   */
  public Optional<App> findOrLoad(ClientId id) {
    Optional<App> a = find(id);
    return a.isPresent() ? a : refresh(id);
  }

  public Optional<App> find(ClientId id) {
    return Optional.ofNullable(byId.get(id));
  }

  public List<App> list(AccountId account) {
    return byId.values().stream()
        .filter(a -> a.accountId().equals(account))
        .sorted(Comparator.comparing(App::createdAt).thenComparing(a -> a.clientId().value()))
        .toList();
  }

  /** @return the updated app, or empty if there is no such app on that account */
  public synchronized Optional<App> setEnabled(AccountId account, ClientId id, boolean enabled) {
    App cur = current(id);
    if (cur == null || !cur.accountId().equals(account)) {
      return Optional.empty();
    }
    if (cur.enabled() == enabled) {
      return Optional.of(cur);
    }
    App next = cur.withEnabled(enabled, clock.instant());
    if (!repository.update(next)) {
      byId.remove(id);
      return Optional.empty();
    }
    byId.put(id, next);
    return Optional.of(next);
  }

  /**
   * Gives the app a new secret. The old one keeps working for {@code grace} (zero: stops at once),
   * so a connector can be redeployed with the new secret without downtime. Only hashes are kept.
   *
   * @return the updated app and the new secret in clear, or empty if there is no such app
   */
  public synchronized Optional<CreatedApp> rotateSecret(AccountId account, ClientId id, java.time.Duration grace) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace period must not be negative, got " + grace);
    }
    App cur = current(id);
    if (cur == null || !cur.accountId().equals(account)) {
      return Optional.empty();
    }
    String secret = secrets.generate();
    Instant now = clock.instant();
    App next = cur.withNewSecret(secrets.hash(secret), cur.webhooks() == null ? null : secrets.seal(id, secret), now, now.plus(grace));
    if (!repository.update(next)) {
      byId.remove(id);
      return Optional.empty();
    }
    byId.put(id, next);
    return Optional.of(new CreatedApp(next, secret));
  }

  /**
   * Sets the app's webhook registration (null removes it, and the sealed secret with it). Signing
   * deliveries needs the secret itself, which an app made without webhooks never kept: then {@code
   * clientSecret} must be given (and match), or the secret rotated after the registration is set.
   *
   * @return the updated app, or empty if there is no such app on that account
   * @throws IllegalStateException when the secret is needed and not given
   * @throws IllegalArgumentException when the given secret is not the app's current one
   */
  public synchronized Optional<App> setWebhooks(AccountId account, ClientId id, WebhookConfig config, String clientSecret) {
    App cur = current(id);
    if (cur == null || !cur.accountId().equals(account)) {
      return Optional.empty();
    }
    String sealed = null;
    if (config != null) {
      if (clientSecret != null) {
        if (!secrets.matches(clientSecret, cur.secretHash())) {
          throw new IllegalArgumentException("client_secret is not the app's current secret");
        }
        sealed = secrets.seal(id, clientSecret);
      } else if (cur.sealedSecret() != null) {
        sealed = cur.sealedSecret();
      } else {
        throw new IllegalStateException("webhook signatures are keyed with the app's client secret, which is stored only hashed for app " + id
            + "; give its current client_secret with the registration (it is checked, then kept sealed under the master key)");
      }
    }
    App next = cur.withWebhooks(config, sealed, clock.instant());
    if (!repository.update(next)) {
      byId.remove(id);
      return Optional.empty();
    }
    byId.put(id, next);
    return Optional.of(next);
  }

  /**
   * The secret that signs the app's webhook deliveries, or null when it has no webhooks.
   *
   * @throws dev.gatehouse.keys.SealedValueException if the sealed secret cannot be opened
   */
  public String webhookSecret(App app) {
    return app.sealedSecret() == null ? null : secrets.open(app.clientId(), app.sealedSecret());
  }

  /**
   * Authenticates a client of an account (RFC 6749 §2.3.1); a null account accepts a client of any. Unknown client, wrong secret and a
   * client of another account all read the same, so a caller learns nothing from the difference.
   *
   * @throws ClientAuthenticationException when authentication fails or the app is disabled
   */
  public App authenticate(AccountId account, String clientId, String secret) {
    ClientId id = ClientId.parseOrNull(clientId);
    App app = id == null ? null : byId.get(id);
    // hash even for an unknown client, so timing does not tell known client_ids apart
    boolean secretOk = secrets.matches(secret, app == null ? NO_HASH : app.secretHash())
        || (app != null && app.previousSecretHash() != null && clock.instant().isBefore(app.previousSecretExpiresAt())
            && secrets.matches(secret, app.previousSecretHash()));
    if (app == null || !secretOk || (account != null && !app.accountId().equals(account))) {
      throw new ClientAuthenticationException("unknown client_id, wrong client_secret, or a client of another account");
    }
    if (!app.enabled()) {
      throw new ClientAuthenticationException("the app " + app.clientId() + " is disabled");
    }
    return app;
  }
}
