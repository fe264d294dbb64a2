package dev.gatehouse.tokens;

import dev.gatehouse.apps.ClientId;
import java.util.List;

/**
 * An AppJWT whose signature, issuer and expiry were checked: the account it was issued for
 * ({@code aud}, null if it is not a string), the app, its scopes, when it expires, and the kid that
 * signed it.
 */
public record VerifiedAppToken(String audience, ClientId clientId, List<String> scopes, long issuedAtEpochSecond, long expiresAtEpochSecond,
    String kid) {
  public VerifiedAppToken {
    scopes = List.copyOf(scopes);
  }

  public boolean hasScope(String s) {
    return scopes.contains(s);
  }
}
