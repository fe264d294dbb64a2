package dev.gatehouse.admin;

import dev.gatehouse.accounts.Account;
import dev.gatehouse.accounts.AccountDirectory;
import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.cluster.Topic;
import dev.gatehouse.consumers.ConsumerRegistry;
import dev.gatehouse.keys.KeyPurpose;
import dev.gatehouse.keys.KeyRotation;
import dev.gatehouse.keys.SigningKeyInfo;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every admin change, whoever asks for it (the admin API today; a console or a CLI tomorrow): the
 * rule of what is valid, the change itself, its audit entry and its change notice to the other
 * nodes, each written once, here. Callers name the actor ({@link AuditLog#actorId}) and get the
 * result; a bad value is an {@link IllegalArgumentException} naming the field, a change that does
 * not fit the current state an {@link IllegalStateException}. Key changes announce themselves from
 * {@link KeyRotation}, which also makes the scheduled ones.
 *
 * <p>Thread-safe; every method blocks on the store, so call it off the event loop.
 */
public final class AdminActions {
  /** Longest name of an account or app. */
  public static final int MAX_NAME = 256;
  /** Longest grace period for an old secret. */
  public static final Duration MAX_GRACE = Duration.ofDays(30);

  private final AccountDirectory accounts;
  private final AppDirectory apps;
  private final ConsumerRegistry consumers;
  private final KeyRotation rotation;
  private final AuditLog audit;
  private final Consumer<Topic> changed;
  private final dev.gatehouse.limits.AuthFailureLimits limits;
  private final dev.gatehouse.operators.OperatorTokens operators;

  public AdminActions(AccountDirectory accounts, AppDirectory apps, ConsumerRegistry consumers, KeyRotation rotation, AuditLog audit,
      Consumer<Topic> changed, dev.gatehouse.limits.AuthFailureLimits limits, dev.gatehouse.operators.OperatorTokens operators) {
    this.operators = operators;
    this.limits = limits;
    this.accounts = accounts;
    this.apps = apps;
    this.consumers = consumers;
    this.rotation = rotation;
    this.audit = audit;
    this.changed = changed;
  }

  /** The name rule for accounts and apps: 1-256 characters once trimmed, no control characters. @return the trimmed name */
  public static String checkName(String name, String field) {
    String n = name.strip();
    if (n.isEmpty()) {
      throw new IllegalArgumentException(field + " is empty");
    }
    if (n.length() > MAX_NAME) {
      throw new IllegalArgumentException(field + " is " + n.length() + " characters long; at most " + MAX_NAME + " allowed");
    }
    if (n.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(field + " contains control characters");
    }
    return n;
  }

  public Account createAccount(String actor, AccountId id, String name) {
    String n = checkName(name == null ? id.value() : name, "name");
    Account a = accounts.create(id, n);
    audit.record(actor, "account.create", "account/" + id, "name=" + n);
    changed.accept(Topic.ACCOUNTS);
    return a;
  }

  public AppDirectory.CreatedApp createApp(String actor, AccountId account, String name, List<String> scopes) {
    return createApp(actor, account, name, scopes, null);
  }

  /** @param webhooks the app's webhook registration, or null */
  public AppDirectory.CreatedApp createApp(String actor, AccountId account, String name, List<String> scopes,
      dev.gatehouse.apps.WebhookConfig webhooks) {
    String n = checkName(name, "name");
    AppDirectory.CreatedApp c = apps.create(account, n, scopes, webhooks);
    audit.record(actor, "app.create", "app/" + c.app().clientId(), "account=" + account + " name=" + n + " scope=" + c.app().scope()
        + (webhooks == null ? "" : " webhooks=" + webhooks.subscriptions().keySet()));
    changed.accept(Topic.APPS);
    return c;
  }

  /**
   * Sets or (null) removes an app's webhook registration; see {@link AppDirectory#setWebhooks}.
   *
   * @return the app, or empty if there is no such app on the account
   */
  public Optional<App> setWebhooks(String actor, AccountId account, ClientId id, dev.gatehouse.apps.WebhookConfig webhooks, String clientSecret) {
    Optional<App> a = apps.setWebhooks(account, id, webhooks, clientSecret);
    a.ifPresent(app -> {
      audit.record(actor, webhooks == null ? "app.webhooks.remove" : "app.webhooks.set", "app/" + id,
          "account=" + account + (webhooks == null ? "" : " types=" + webhooks.subscriptions().keySet()));
      changed.accept(Topic.APPS);
    });
    return a;
  }

  /** Sets an account's sandbox settings (scripted agent, fault injection). */
  public void setSandboxSettings(String actor, AccountId account, dev.gatehouse.sandbox.SandboxSettingsDirectory directory,
      dev.gatehouse.sandbox.SandboxSettings settings) {
    directory.set(account, settings);
    audit.record(actor, "sandbox.settings", "account/" + account, settings.toString());
  }

  /**
   * An agent message sent by hand into a sandbox conversation.
   *
   * @return its sequence, or empty if the account has no such conversation
   * @throws IllegalStateException when the conversation is closed
   */
  public Optional<Integer> sendAgentMessage(String actor, AccountId account, dev.gatehouse.sandbox.Conversations conversations, String conversationId,
      String text) {
    if (text.isEmpty() || text.length() > 8000) {
      throw new IllegalArgumentException("text must be 1 to 8000 characters, got " + text.length());
    }
    Optional<Integer> seq = conversations.agentMessage(account, conversationId, text);
    seq.ifPresent(n -> audit.record(actor, "sandbox.agent-message", "conversation/" + conversationId, "account=" + account + " sequence=" + n));
    return seq;
  }

  /** @return the app, or empty if there is no such app on the account */
  public Optional<App> setAppEnabled(String actor, AccountId account, ClientId id, boolean enabled) {
    Optional<App> a = apps.setEnabled(account, id, enabled);
    a.ifPresent(app -> {
      audit.record(actor, enabled ? "app.enable" : "app.disable", "app/" + id, "account=" + account);
      changed.accept(Topic.APPS);
    });
    return a;
  }

  /**
   * A new secret, shown once; the old one keeps working for {@code grace} (0 to 30 days).
   *
   * @return the app with its new secret, or empty if there is no such app on the account
   */
  public Optional<AppDirectory.CreatedApp> rotateSecret(String actor, AccountId account, ClientId id, Duration grace) {
    if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
      throw new IllegalArgumentException("grace_seconds must be a whole number of seconds from 0 to " + MAX_GRACE.toSeconds());
    }
    Optional<AppDirectory.CreatedApp> c = apps.rotateSecret(account, id, grace);
    c.ifPresent(x -> {
      audit.record(actor, "app.rotate-secret", "app/" + id, "account=" + account + " grace_seconds=" + grace.toSeconds());
      changed.accept(Topic.APPS);
    });
    return c;
  }

  public void revokeConsumer(String actor, AccountId account, String lp) {
    consumers.revoke(account.value(), lp);
    audit.record(actor, "consumer.revoke", "consumer/" + lp, "account=" + account);
    changed.accept(Topic.CONSUMERS);
  }

  /** @throws IllegalStateException if it is not revoked, or was erased */
  public void restoreConsumer(String actor, AccountId account, String lp) {
    if (!consumers.restore(account.value(), lp)) {
      throw new IllegalStateException("consumer " + lp + " is not revoked, or was erased and cannot be restored");
    }
    audit.record(actor, "consumer.restore", "consumer/" + lp, "account=" + account);
    changed.accept(Topic.CONSUMERS);
  }

  /** Forgets a consumer (it stays revoked). @return whether a record existed */
  public boolean eraseConsumer(String actor, AccountId account, String lp) {
    boolean existed = consumers.erase(account.value(), lp);
    audit.record(actor, "consumer.erase", "consumer/" + lp, "account=" + account + " record_existed=" + existed);
    changed.accept(Topic.CONSUMERS);
    return existed;
  }

  public SigningKeyInfo rotateKey(String actor, KeyPurpose purpose) {
    SigningKeyInfo k = rotation.rotate(purpose);
    audit.record(actor, "key.rotate", "key/" + k.kid(), "purpose=" + purpose + " active_from=" + k.activateAt());
    return k;
  }

  public SigningKeyInfo retireKey(String actor, String kid, boolean force) {
    SigningKeyInfo k = rotation.retire(kid, force);
    audit.record(actor, "key.retire", "key/" + kid, "purpose=" + k.purpose() + " force=" + force);
    return k;
  }

  /** Lifts this node's brute-force lockouts that match (null matches anything). @return how many */
  public int liftLockouts(String actor, dev.gatehouse.limits.AuthFailureLimits.Door door, String subject, String address) {
    int n = limits.lift(door, subject, address);
    audit.record(actor, "lockout.lift", "lockouts", "door=" + door + " subject=" + subject + " address=" + address + " lifted=" + n);
    return n;
  }

  /** A named operator token with a role; its value is in the result, this once. */
  public dev.gatehouse.operators.OperatorTokens.Created createOperatorToken(String actor, String name, dev.gatehouse.operators.Role role) {
    String n = checkName(name, "name");
    var c = operators.create(n, role);
    audit.record(actor, "token.create", "token/" + c.token().id(), "name=" + n + " role=" + role);
    changed.accept(Topic.OPERATORS);
    return c;
  }

  /** @return whether an active token was revoked */
  public boolean revokeOperatorToken(String actor, String id) {
    boolean done = operators.revoke(id);
    if (done) {
      audit.record(actor, "token.revoke", "token/" + id, "");
      changed.accept(Topic.OPERATORS);
    }
    return done;
  }
}
