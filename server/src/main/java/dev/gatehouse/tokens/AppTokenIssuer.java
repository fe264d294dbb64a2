package dev.gatehouse.tokens;

import dev.gatehouse.apps.App;
import dev.gatehouse.keys.SigningKeys;
import java.time.Clock;
import java.util.List;

/**
 * Issues AppJWTs (Sentinel, client credentials): RS256 with the active app-token key, claims
 * {@code aud} (the account id as given), {@code azp} (client_id), {@code scope}, {@code iss},
 * {@code exp}, {@code iat}, in the documented order.
 *
 * <p>Thread-safe.
 */
public final class AppTokenIssuer {
  private final SigningKeys keys;
  private final String issuer;
  private final long lifetimeSeconds;
  private final Clock clock;

  public AppTokenIssuer(SigningKeys keys, String issuer, long lifetimeSeconds, Clock clock) {
    if (lifetimeSeconds < 60 || lifetimeSeconds > 86_400) {
      throw new IllegalArgumentException("AppJWT lifetime must be 60..86400 seconds, got " + lifetimeSeconds);
    }
    this.keys = keys;
    this.issuer = issuer;
    this.lifetimeSeconds = lifetimeSeconds;
    this.clock = clock;
  }

  /** A signed AppJWT and its lifetime in seconds. */
  public record IssuedAppToken(String token, long expiresIn) {
    @Override
    public String toString() {
      return "IssuedAppToken[expiresIn=" + expiresIn + "]";
    }
  }

  public IssuedAppToken issue(App app, List<String> scopes) {
    long iat = clock.instant().getEpochSecond();
    String claims = new ClaimsJson()
        .put("aud", app.accountId().value())
        .put("azp", app.clientId().value())
        .put("scope", scopes.size() == 1 ? scopes.get(0) : String.join(" ", scopes))
        .put("iss", issuer)
        .put("exp", iat + lifetimeSeconds)
        .put("iat", iat)
        .json();
    String token = keys.rings().app().active().sign(claims);
    return new IssuedAppToken(token, lifetimeSeconds);
  }

  public String issuer() {
    return issuer;
  }
}
