package dev.gatehouse.apps;

import dev.gatehouse.accounts.AccountId;
import java.time.Instant;
import java.util.List;

/**
 * An app installed on an account: the OAuth client a connector authenticates as. Holds only
 * hashes of its secrets: the current one and, during a rotation's grace period, the previous one
 * with the instant it stops working.
 */
public record App(
    ClientId clientId,
    AccountId accountId,
    String name,
    String secretHash,
    List<String> scopes,
    boolean enabled,
    Instant createdAt,
    Instant updatedAt,
    String previousSecretHash,
    Instant previousSecretExpiresAt) {

  public static final String CONSUMER_SCOPE = "msg.consumer";

  public App {
    scopes = List.copyOf(scopes);
    if ((previousSecretHash == null) != (previousSecretExpiresAt == null)) {
      throw new IllegalArgumentException("a previous secret needs an expiry, and only then");
    }
  }

  /** A new app with one secret. */
  public App(ClientId clientId, AccountId accountId, String name, String secretHash, List<String> scopes, boolean enabled, Instant createdAt, Instant updatedAt) {
    this(clientId, accountId, name, secretHash, scopes, enabled, createdAt, updatedAt, null, null);
  }

  public App withEnabled(boolean on, Instant now) {
    return new App(clientId, accountId, name, secretHash, scopes, on, createdAt, now, previousSecretHash, previousSecretExpiresAt);
  }

  /** The new secret's hash becomes current; the old one keeps working until {@code oldValidUntil}, or stops now if that is not after {@code now}. */
  public App withNewSecret(String newHash, Instant now, Instant oldValidUntil) {
    boolean grace = oldValidUntil.isAfter(now);
    return new App(clientId, accountId, name, newHash, scopes, enabled, createdAt, now,
        grace ? secretHash : null, grace ? oldValidUntil : null);
  }

  public String scope() {
    return String.join(" ", scopes);
  }

  @Override
  public String toString() {
    return "App[" + clientId + " account=" + accountId + (enabled ? "" : " disabled") + "]";
  }
}
