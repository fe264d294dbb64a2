package dev.gatehouse.apps;

import dev.gatehouse.accounts.AccountId;
import java.time.Instant;
import java.util.List;

/**
 * An app installed on an account: the OAuth client a connector authenticates as. Holds only
 * hashes of its secrets: the current one and, during a rotation's grace period, the previous one
 * with the instant it stops working; and the instant before which its AppJWTs are refused (set
 * when it is disabled or its secret is cut off at once; null when never). An app with webhooks
 * also holds its current secret sealed under the master key ({@code sealedSecret}), because a
 * webhook signature is an HMAC keyed with it; apps without webhooks never do.
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
    Instant previousSecretExpiresAt,
    Instant tokensNotBefore,
    WebhookConfig webhooks,
    String sealedSecret) {

  public static final String CONSUMER_SCOPE = "msg.consumer";

  public App {
    scopes = List.copyOf(scopes);
    if ((previousSecretHash == null) != (previousSecretExpiresAt == null)) {
      throw new IllegalArgumentException("a previous secret needs an expiry, and only then");
    }
    if (webhooks != null && sealedSecret == null) {
      throw new IllegalArgumentException("an app with webhooks needs its secret sealed, to sign them");
    }
  }

  /** A new app with one secret. */
  public App(ClientId clientId, AccountId accountId, String name, String secretHash, List<String> scopes, boolean enabled, Instant createdAt, Instant updatedAt) {
    this(clientId, accountId, name, secretHash, scopes, enabled, createdAt, updatedAt, null, null, null, null, null);
  }

  /** Disabling also refuses every AppJWT issued so far, for good: enabling again does not bring them back. */
  public App withEnabled(boolean on, Instant now) {
    return new App(clientId, accountId, name, secretHash, scopes, on, createdAt, now, previousSecretHash, previousSecretExpiresAt,
        on ? tokensNotBefore : now, webhooks, sealedSecret);
  }

  /**
   * Whether an AppJWT issued at {@code issuedAtEpochSecond} is still honoured: not if it was issued
   * before the app was last disabled or had its secret cut off. {@code iat} has a one-second
   * resolution, so a token issued earlier within the same second as the cut is still honoured.
   */
  public boolean honoursTokenIssuedAt(long issuedAtEpochSecond) {
    return tokensNotBefore == null || issuedAtEpochSecond >= tokensNotBefore.getEpochSecond();
  }

  /** The new secret's hash becomes current; the old one keeps working until {@code oldValidUntil}, or stops now if that is not after {@code now}. */
  public App withNewSecret(String newHash, String newSealed, Instant now, Instant oldValidUntil) {
    boolean grace = oldValidUntil.isAfter(now);
    // cut off at once: the tokens the old secret got go with it
    return new App(clientId, accountId, name, newHash, scopes, enabled, createdAt, now,
        grace ? secretHash : null, grace ? oldValidUntil : null, grace ? tokensNotBefore : now, webhooks, newSealed);
  }

  /** With this webhook registration (null: none) and the current secret sealed (null: not kept). */
  public App withWebhooks(WebhookConfig config, String sealed, Instant now) {
    return new App(clientId, accountId, name, secretHash, scopes, enabled, createdAt, now, previousSecretHash, previousSecretExpiresAt,
        tokensNotBefore, config, sealed);
  }

  public String scope() {
    return String.join(" ", scopes);
  }

  @Override
  public String toString() {
    return "App[" + clientId + " account=" + accountId + (enabled ? "" : " disabled") + "]";
  }
}
