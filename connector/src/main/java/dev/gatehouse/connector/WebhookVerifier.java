package dev.gatehouse.connector;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a webhook notification the way the platform signs it: {@code X-LivePerson-Signature} is
 * {@code sha1=} (or {@code sha256=}) and the Base64 (or hex) HMAC of the <em>raw body bytes</em>,
 * keyed with the app's client secret, compared in constant time; {@code X-LivePerson-Account-ID}
 * and {@code X-LivePerson-Client-ID} must name this installation. Never parse and re-serialize the
 * body before checking: the bytes are what was signed (re-serialized JSON breaks on non-ASCII).
 *
 * <p>Thread-safe.
 */
public final class WebhookVerifier {
  /** Why a notification was refused, and the status to answer with: 400 for a missing header or a body that is no notification, 401 otherwise. */
  public static final class Rejected extends Exception {
    private final int status;

    Rejected(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final String accountId;
  private final String clientId;
  private final byte[] secret;

  public WebhookVerifier(String accountId, String clientId, String clientSecret) {
    if (accountId == null || clientId == null || clientSecret == null || clientSecret.isEmpty()) {
      throw new IllegalArgumentException("accountId, clientId and clientSecret are required");
    }
    this.accountId = accountId;
    this.clientId = clientId;
    this.secret = clientSecret.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @param header a request header by name (case-insensitive, as HTTP servers give them), or null
   * @param body the body exactly as received
   * @return the notification, parsed
   * @throws Rejected when it must not be trusted
   */
  public Notification verify(Function<String, String> header, byte[] body) throws Rejected {
    String signature = header.apply("X-LivePerson-Signature");
    String account = header.apply("X-LivePerson-Account-ID");
    String client = header.apply("X-LivePerson-Client-ID");
    if (signature == null || account == null || client == null) {
      throw new Rejected(400, "X-LivePerson-Signature, X-LivePerson-Account-ID and X-LivePerson-Client-ID are required");
    }
    if (!MessageDigest.isEqual(account.getBytes(StandardCharsets.UTF_8), accountId.getBytes(StandardCharsets.UTF_8))
        || !MessageDigest.isEqual(client.getBytes(StandardCharsets.UTF_8), clientId.getBytes(StandardCharsets.UTF_8))) {
      throw new Rejected(401, "the notification is for another account or app installation");
    }
    if (!signatureMatches(signature.trim(), body)) {
      throw new Rejected(401, "X-LivePerson-Signature does not match the body");
    }
    try {
      return Notification.parse(new String(body, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new Rejected(400, "the body is not a notification: " + e.getMessage());
    }
  }

  private boolean signatureMatches(String header, byte[] body) {
    int eq = header.indexOf('=');
    if (eq <= 0) {
      return false;
    }
    String alg = switch (header.substring(0, eq)) {
      case "sha1" -> "HmacSHA1";
      case "sha256" -> "HmacSHA256";
      default -> null;
    };
    if (alg == null) {
      return false;
    }
    byte[] given;
    String value = header.substring(eq + 1);
    try {
      // hex is 40 (SHA-1) or 64 (SHA-256) hex digits; Base64 of those MACs is 28 or 44 characters with padding
      given = (value.length() == 40 || value.length() == 64) && value.matches("[0-9a-fA-F]+")
          ? HexFormat.of().parseHex(value) : Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
    try {
      Mac mac = Mac.getInstance(alg);
      mac.init(new SecretKeySpec(secret, alg));
      return MessageDigest.isEqual(mac.doFinal(body), given);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(alg + " unavailable", e);
    }
  }
}
