package dev.gatehouse.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KeyRingTest {
  static KeyPair pair;
  static java.security.Provider jdk;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    pair = g.generateKeyPair();
    jdk = java.security.Signature.getInstance("SHA256withRSA").getProvider();
  }

  static Signer software(KeyPair p) {
    return new SoftwareSigner(p.getPrivate(), jdk, "SHA256withRSA");
  }

  static SigningKey key(String kid, KeyPurpose p, KeyState s) {
    return new SigningKey(kid, p, s, Instant.EPOCH, (RSAPublicKey) pair.getPublic(), jdk, Instant.EPOCH, software(pair));
  }

  @Test
  void ring_refusesNoActiveKey_twoActiveKeys_duplicateKids_andForeignPurposes() {
    assertThatThrownBy(() -> new KeyRing(KeyPurpose.APP_TOKEN, List.of(key("a", KeyPurpose.APP_TOKEN, KeyState.NEXT))))
        .hasMessageContaining("no active key");
    assertThatThrownBy(() -> new KeyRing(KeyPurpose.APP_TOKEN, List.of(key("a", KeyPurpose.APP_TOKEN, KeyState.ACTIVE), key("b", KeyPurpose.APP_TOKEN, KeyState.ACTIVE))))
        .hasMessageContaining("two active keys");
    assertThatThrownBy(() -> new KeyRing(KeyPurpose.APP_TOKEN, List.of(key("a", KeyPurpose.APP_TOKEN, KeyState.ACTIVE), key("a", KeyPurpose.APP_TOKEN, KeyState.RETIRING))))
        .hasMessageContaining("duplicate kid a");
    assertThatThrownBy(() -> new KeyRing(KeyPurpose.APP_TOKEN, List.of(key("a", KeyPurpose.CONSUMER_TOKEN, KeyState.ACTIVE))))
        .hasMessageContaining("is for CONSUMER_TOKEN");
    SigningKey unpublished = new SigningKey("u", KeyPurpose.APP_TOKEN, KeyState.ACTIVE, Instant.EPOCH, (RSAPublicKey) pair.getPublic(), jdk, null, software(pair));
    assertThatThrownBy(() -> new KeyRing(KeyPurpose.APP_TOKEN, List.of(unpublished))).hasMessageContaining("never published");
  }

  @Test
  void ring_signsWithTheActiveKey_andFindsOnlyPublishedKeys() {
    KeyRing r = new KeyRing(KeyPurpose.APP_TOKEN, List.of(
        key("old", KeyPurpose.APP_TOKEN, KeyState.RETIRED), key("cur", KeyPurpose.APP_TOKEN, KeyState.ACTIVE), key("new", KeyPurpose.APP_TOKEN, KeyState.NEXT)));
    assertThat(r.active().kid()).isEqualTo("cur");
    assertThat(r.published("new")).isPresent();
    assertThat(r.published("old")).isEmpty();
    assertThat(r.published(null)).isEmpty();
    assertThatThrownBy(() -> r.published("new").orElseThrow().sign("{}")).hasMessageContaining("does not sign");
  }

  @Test
  void keysUnder2048Bits_areRefused() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    KeyPair small = g.generateKeyPair();
    assertThatThrownBy(() -> new SigningKey("s", KeyPurpose.APP_TOKEN, KeyState.ACTIVE, Instant.EPOCH, (RSAPublicKey) small.getPublic(), jdk, Instant.EPOCH, software(small)))
        .hasMessageContaining("1024 bits");
  }

  @Test
  void toString_neverShowsKeyMaterial() {
    SigningKey k = key("kid1", KeyPurpose.APP_TOKEN, KeyState.ACTIVE);
    assertThat(k.toString()).isEqualTo("SigningKey[kid1 APP_TOKEN ACTIVE RSA-2048]");
    assertThat(MasterKey.generate().toString()).isEqualTo("MasterKey[redacted]");
  }
}
