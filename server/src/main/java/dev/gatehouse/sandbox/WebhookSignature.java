package dev.gatehouse.sandbox;

import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-LivePerson-Signature}: {@code sha1=} and the standard Base64 (with padding) of
 * HMAC-SHA1 keyed with the app's client secret over the exact body bytes sent. (SHA-1 is what the
 * vendor's receivers check; as an HMAC it is not weakened by SHA-1's collisions, RFC 6151 §2.)
 *
 * <p>Stateless and thread-safe.
 */
public final class WebhookSignature {
  public static final String HEADER = "X-LivePerson-Signature";

  private WebhookSignature() {}

  public static String sign(String clientSecret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(clientSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA1"));
      return "sha1=" + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 unavailable", e);
    }
  }
}
