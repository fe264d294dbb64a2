package dev.gatehouse.verifier;

/**
 * The claims of a verified ConsumerJWS and its signing kid. {@code toString()} leaves out the
 * external id, which may be personal data.
 */
public record ConsumerToken(String account, String lpConsumerId, String extConsumerId, String kid) {
  @Override
  public String toString() {
    return "ConsumerToken[account=" + account + " lp=" + lpConsumerId + " kid=" + kid + "]";
  }
}
