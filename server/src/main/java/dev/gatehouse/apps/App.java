package dev.gatehouse.apps;

import dev.gatehouse.accounts.AccountId;
import java.time.Instant;
import java.util.List;

/**
 * An app installed on an account: the OAuth client a connector authenticates as. Holds only the
 * hash of its secret.
 */
public record App(
    ClientId clientId,
    AccountId accountId,
    String name,
    String secretHash,
    List<String> scopes,
    boolean enabled,
    Instant createdAt,
    Instant updatedAt) {

  public static final String CONSUMER_SCOPE = "msg.consumer";

  public App {
    scopes = List.copyOf(scopes);
  }

  public App withEnabled(boolean on, Instant now) {
    return new App(clientId, accountId, name, secretHash, scopes, on, createdAt, now);
  }

  public String scope() {
    return String.join(" ", scopes);
  }

  @Override
  public String toString() {
    return "App[" + clientId + " account=" + accountId + (enabled ? "" : " disabled") + "]";
  }
}
