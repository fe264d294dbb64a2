package dev.gatehouse.keys;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.JWK;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The JWKS body published for verifiers: the public halves of every published key of both rings,
 * serialized once per ring change, with a strong ETag over the bytes.
 */
public final class JwksDocument {
  private final byte[] body;
  private final String etag;

  public JwksDocument(KeyRings rings) {
    List<JWK> keys = new ArrayList<>();
    for (SigningKey k : rings.all()) {
      if (k.state().published()) {
        keys.add(k.publicJwk().toPublicJWK());
      }
    }
    this.body = new JWKSet(keys).toString(true).getBytes(StandardCharsets.UTF_8);
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(body);
      this.etag = "\"" + HexFormat.of().formatHex(h, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public byte[] body() {
    return body.clone();
  }

  /** The body without a copy, for the HTTP layer to write; callers must not modify it. */
  public byte[] bodyShared() {
    return body;
  }

  public String etag() {
    return etag;
  }
}
