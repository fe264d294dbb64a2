package dev.gatehouse.verifier;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * A JWS in compact serialization (RFC 7515 §7.1), split and decoded, not yet verified: header
 * {@code alg} and {@code kid}, the payload's members, the signing input and the signature. Refuses
 * anything but three base64url parts with JSON-object header and payload, and headers with {@code
 * crit} (§4.1.11: we understand no extensions). Immutable.
 */
final class CompactJws {
  private static final Base64.Decoder B64 = Base64.getUrlDecoder();

  final String token;
  final String alg;
  final String kid;
  final Map<String, Object> claims;
  final byte[] signingInput;
  final byte[] signature;

  private CompactJws(String token, String alg, String kid, Map<String, Object> claims, byte[] signingInput, byte[] signature) {
    this.token = token;
    this.alg = alg;
    this.kid = kid;
    this.claims = claims;
    this.signingInput = signingInput;
    this.signature = signature;
  }

  /** @throws IllegalArgumentException if it is not a compact JWS with JSON object header and payload */
  static CompactJws parse(String token) {
    int a = token.indexOf('.');
    int b = a < 0 ? -1 : token.indexOf('.', a + 1);
    if (a <= 0 || b < 0 || b == a + 1 || b == token.length() - 1 || token.indexOf('.', b + 1) >= 0) {
      throw new IllegalArgumentException("not three non-empty parts");
    }
    Map<String, Object> header = FlatJson.parse(new String(B64.decode(token.substring(0, a)), StandardCharsets.UTF_8));
    if (header.containsKey("crit")) {
      throw new IllegalArgumentException("crit header parameters are not supported");
    }
    Map<String, Object> claims = FlatJson.parse(new String(B64.decode(token.substring(a + 1, b)), StandardCharsets.UTF_8));
    String alg = header.get("alg") instanceof String s ? s : null;
    String kid = header.get("kid") instanceof String s ? s : null;
    return new CompactJws(token, alg, kid, claims, token.substring(0, b).getBytes(StandardCharsets.US_ASCII), B64.decode(token.substring(b + 1)));
  }
}
