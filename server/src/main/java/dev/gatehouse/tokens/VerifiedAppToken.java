package dev.gatehouse.tokens;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.ClientId;
import java.util.List;

/** An AppJWT whose signature, issuer and expiry were checked: who it speaks for and until when. */
public record VerifiedAppToken(AccountId account, ClientId clientId, List<String> scopes, long expiresAtEpochSecond, String kid) {
  public boolean hasScope(String s) {
    return scopes.contains(s);
  }
}
