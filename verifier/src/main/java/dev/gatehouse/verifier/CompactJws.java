package dev.gatehouse.verifier;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A JWS in compact serialization (RFC 7515 §7.1), split and decoded, not yet verified: header
 * {@code alg} and {@code kid}, the payload's members, the signing input and the signature. Refuses
 * anything but three base64url parts with JSON-object header and payload, and headers with {@code
 * crit} (§4.1.11: we understand no extensions). Immutable.
 */
final class CompactJws {
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

  /** Longer tokens are refused before any decoding; ours are under 1 KB. */
  static final int MAX_LENGTH = 8192;

  /**
   * @throws IllegalArgumentException if it is not a compact JWS of three canonical base64url parts
   *     with strict UTF-8 JSON-object header and payload
   */
  static CompactJws parse(String token) {
    if (token.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("longer than " + MAX_LENGTH + " characters");
    }
    int a = token.indexOf('.');
    int b = a < 0 ? -1 : token.indexOf('.', a + 1);
    if (a <= 0 || b < 0 || b == a + 1 || b == token.length() - 1 || token.indexOf('.', b + 1) >= 0) {
      throw new IllegalArgumentException("not three non-empty parts");
    }
    Map<String, Object> header = FlatJson.parse(utf8(Base64Url.decode(token, 0, a)));
    if (header.containsKey("crit")) {
      throw new IllegalArgumentException("crit header parameters are not supported");
    }
    Map<String, Object> claims = FlatJson.parse(utf8(Base64Url.decode(token, a + 1, b)));
    String alg = header.get("alg") instanceof String s ? s : null;
    String kid = header.get("kid") instanceof String s ? s : null;
    return new CompactJws(token, alg, kid, claims, token.substring(0, b).getBytes(StandardCharsets.US_ASCII), Base64Url.decode(token, b + 1, token.length()));
  }

  /** Strict UTF-8 (RFC 3629): overlong forms, encoded surrogates and stray bytes are refused, not replaced. */
  static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException("not UTF-8");
    }
  }
}
