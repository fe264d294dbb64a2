package dev.gatehouse.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSObject;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A SigningKey signs through whatever Signer holds its private half, and says so when that signer fails. */
class SignerSeamTest {
  static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  @Test
  void anyoneImplementingSigner_signsTokensTheRingVerifies() throws Exception {
    KeyPair pair = rsa();
    java.security.Provider jdk = Signature.getInstance("SHA256withRSA").getProvider();
    // a signer of our own, as a KMS or HSM module would be: it only signs bytes
    Signer elsewhere = new Signer() {
      @Override
      public byte[] sign(byte[] input) throws SignerException {
        try {
          Signature s = Signature.getInstance("SHA256withRSA");
          s.initSign(pair.getPrivate());
          s.update(input);
          return s.sign();
        } catch (java.security.GeneralSecurityException e) {
          throw new SignerException(e.getMessage(), false, e);
        }
      }

      @Override
      public String location() {
        return "test:elsewhere";
      }
    };
    SigningKey k = new SigningKey("k1", KeyPurpose.APP_TOKEN, KeyState.ACTIVE, Instant.EPOCH, pair.getPublic(), jdk, Instant.EPOCH, elsewhere);
    String jws = k.sign("{\"iss\":\"Sentinel\"}");
    assertThat(k.verifies(JWSObject.parse(jws))).isTrue();
    assertThat(k.signerLocation()).isEqualTo("test:elsewhere");
  }

  @Test
  void aSignerThatCannotSignNow_isA503_andOneThatNeverCan_isAnError() throws Exception {
    KeyPair pair = rsa();
    java.security.Provider jdk = Signature.getInstance("SHA256withRSA").getProvider();
    Signer away = new Signer() {
      @Override
      public byte[] sign(byte[] input) throws SignerException {
        throw new SignerException("token not present", true, null);
      }

      @Override
      public String location() {
        return "pkcs11:test";
      }
    };
    SigningKey k = new SigningKey("k2", KeyPurpose.APP_TOKEN, KeyState.ACTIVE, Instant.EPOCH, pair.getPublic(), jdk, Instant.EPOCH, away);
    assertThatThrownBy(() -> k.sign("{}")).isInstanceOf(SigningUnavailableException.class).hasMessageContaining("pkcs11:test")
        .hasMessageContaining("token not present");
    Signer broken = new Signer() {
      @Override
      public byte[] sign(byte[] input) throws SignerException {
        throw new SignerException("key deleted", false, null);
      }

      @Override
      public String location() {
        return "pkcs11:test";
      }
    };
    SigningKey gone = new SigningKey("k3", KeyPurpose.APP_TOKEN, KeyState.ACTIVE, Instant.EPOCH, pair.getPublic(), jdk, Instant.EPOCH, broken);
    assertThatThrownBy(() -> gone.sign("{}")).isInstanceOf(IllegalStateException.class);
    assertThat(new SoftwareSigner(pair.getPrivate(), jdk, "SHA256withRSA").toString()).doesNotContain("MII").contains("redacted");
  }
}
