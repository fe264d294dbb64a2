package dev.gatehouse.verifier;

import java.util.List;

/**
 * Who is calling, on behalf of whom: the account (brand) the AppJWT was issued for, the app's
 * {@code client_id} and scopes, when the AppJWT was issued and when it expires (epoch seconds), and the consumer named by
 * the ConsumerJWS. {@code toString()} shows no external id (it may be personal data).
 */
public record Identity(
    String accountId,
    String clientId,
    List<String> scopes,
    long appTokenIssuedAt,
    long appTokenExpiresAt,
    String lpConsumerId,
    String extConsumerId) implements Verification {

  public Identity {
    scopes = List.copyOf(scopes);
  }

  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }

  @Override
  public String toString() {
    return "Identity[account=" + accountId + " client=" + clientId + " consumer=" + lpConsumerId + "]";
  }
}
