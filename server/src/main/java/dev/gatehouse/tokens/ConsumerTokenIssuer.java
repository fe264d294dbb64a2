package dev.gatehouse.tokens;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.gatehouse.accounts.Account;
import dev.gatehouse.consumers.LpConsumerId;
import dev.gatehouse.keys.SigningKeys;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Issues ConsumerJWS (IDP): RS256 with the active consumer-token key, exactly the claims
 * {@code account_id}, {@code ext_consumer_id}, {@code lp_consumer_id} and nothing else. The token
 * has no time claims and never expires, as documented.
 *
 * <p>Thread-safe.
 */
public final class ConsumerTokenIssuer {
  private final SigningKeys keys;

  public ConsumerTokenIssuer(SigningKeys keys) {
    this.keys = keys;
  }

  /** A signed ConsumerJWS and the consumer's stable id. */
  public record ConsumerToken(String token, LpConsumerId lpConsumerId) {
    @Override
    public String toString() {
      return "ConsumerToken[" + lpConsumerId + "]";
    }
  }

  /** @param extConsumerId already validated ({@link dev.gatehouse.consumers.ExtConsumerId}) */
  public ConsumerToken issue(Account account, String extConsumerId) {
    LpConsumerId lp = account.consumerIdKey().derive(extConsumerId);
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("account_id", account.id().value());
    claims.put("ext_consumer_id", extConsumerId);
    claims.put("lp_consumer_id", lp.value());
    return new ConsumerToken(keys.rings().consumer().active().sign(JSONObjectUtils.toJSONString(claims)), lp);
  }
}
