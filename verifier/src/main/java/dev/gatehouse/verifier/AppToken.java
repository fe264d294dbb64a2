package dev.gatehouse.verifier;

import java.util.List;

/** The claims of a verified AppJWT: account ({@code aud}), {@code azp}, scopes, {@code iat}, {@code exp} (epoch seconds), signing kid. */
public record AppToken(String account, String clientId, List<String> scopes, long issuedAt, long expiresAt, String kid) {
  public AppToken {
    scopes = List.copyOf(scopes);
  }
}
