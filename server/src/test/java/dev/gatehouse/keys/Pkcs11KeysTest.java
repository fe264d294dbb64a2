package dev.gatehouse.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.gatehouse.SoftHsm;
import dev.gatehouse.store.Database;
import dev.gatehouse.store.JdbcSigningKeyRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keys generated inside a SoftHSM2 token (through the JDK's SunPKCS11): every size and algorithm
 * signs JWS that verify with the stored public key alone; the private half cannot be read out; a
 * vault opened anew (a restart, another node) finds the same objects by kid; a token that goes away
 * is a transient failure (503) and not available, and is found again when it is back; a wrong
 * label, PIN or library is one line.
 */
class Pkcs11KeysTest {
  Database db;
  MasterKey master = MasterKey.generate();
  CryptoProvider crypto = CryptoProvider.select(CryptoProvider.Choice.JDK);

  @BeforeEach
  void open() throws Exception {
    SoftHsm.assumeInstalled();
    db = Database.h2(Files.createTempDirectory("gatehouse-p11"));
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  KeyVault vault(Pkcs11Keys token, KeyAlgorithm alg, int bits) {
    return new KeyVault(new JdbcSigningKeyRepository(db), master, crypto, token, alg, bits, Clock.systemUTC());
  }

  static boolean verifies(SigningKey k, String jws, String storedJwk) throws Exception {
    JWK jwk = JWK.parse(storedJwk);
    JWSObject o = JWSObject.parse(jws);
    return jwk instanceof RSAKey r ? o.verify(new RSASSAVerifier(r)) : o.verify(new ECDSAVerifier((ECKey) jwk));
  }

  @Test
  void everySizeAndAlgorithm_isMadeInTheToken_signsTokensThatVerify_andIsFoundAgainByKid() throws Exception {
    SoftHsm.Token t = SoftHsm.newToken();
    Pkcs11Keys token = Pkcs11Keys.open(t.settings(), Clock.systemUTC());
    assertThat(token.location()).isEqualTo("pkcs11:" + t.label());
    record Case(KeyAlgorithm alg, int bits) {}
    for (Case c : List.of(new Case(KeyAlgorithm.RS256, 2048), new Case(KeyAlgorithm.RS256, 3072), new Case(KeyAlgorithm.RS256, 4096),
        new Case(KeyAlgorithm.ES256, 2048))) {
      SigningKey k = vault(token, c.alg(), c.bits()).create(KeyPurpose.APP_TOKEN, KeyState.NEXT, Instant.now());
      StoredSigningKey s = new JdbcSigningKeyRepository(db).findAll().stream().filter(x -> x.kid().equals(k.kid())).findFirst().orElseThrow();
      assertThat(s.custody()).isEqualTo("pkcs11:" + t.label());
      assertThat(s.sealedPrivateKey()).as("the store keeps no private material").isNull();
      assertThat(k.signerLocation()).isEqualTo("pkcs11:" + t.label());
      assertThat(token.handle(k.kid()).getEncoded()).as("the private half cannot be read out of the token").isNull();
      assertThat(k.algorithm()).isEqualTo(c.alg());
      if (c.alg() == KeyAlgorithm.RS256) {
        assertThat(k.bits()).isEqualTo(c.bits());
      }
      // NEXT keys do not sign; the same key made ACTIVE does, through the token
      SigningKey active = k.withState(KeyState.ACTIVE);
      String jws = active.sign("{\"iss\":\"Sentinel\",\"n\":" + c.bits() + "}");
      assertThat(verifies(active, jws, s.publicJwk())).as(c + " verifies with the stored public key").isTrue();
    }

    // a restart or another node: a new provider and key store find every object by its kid
    Pkcs11Keys again = Pkcs11Keys.open(t.settings(), Clock.systemUTC());
    KeyRings rings = vault(again, KeyAlgorithm.RS256, 2048).loadOrCreate();
    assertThat(rings.app().all()).hasSize(5); // four NEXT keys made above and a first ACTIVE one
    for (SigningKey k : rings.app().all()) {
      assertThat(k.signerLocation()).isEqualTo("pkcs11:" + t.label());
      assertThat(again.handle(k.kid())).as(k.kid() + " found again").isNotNull();
    }
    SigningKey activeApp = rings.app().active();
    String stored = new JdbcSigningKeyRepository(db).findAll().stream().filter(x -> x.kid().equals(activeApp.kid())).findFirst().orElseThrow().publicJwk();
    assertThat(verifies(activeApp, activeApp.sign("{}"), stored)).isTrue();
  }

  @Test
  void aLoggedOutToken_isTransient_andNotAvailable_untilLoggedInAgainAndTheKeysAreFoundAgain() throws Exception {
    SoftHsm.Token t = SoftHsm.newToken();
    Pkcs11Keys token = Pkcs11Keys.open(t.settings(), Clock.systemUTC());
    KeyRings rings = vault(token, KeyAlgorithm.RS256, 2048).loadOrCreate();
    SigningKey k = rings.consumer().active();
    k.sign("{}");
    token.check();
    assertThat(token.available()).isTrue();

    TokenSupport.logOut(SoftHsm.LIBRARY, t.label(), t.pin().toCharArray());
    assertThatThrownBy(() -> k.sign("{}")).isInstanceOf(SigningUnavailableException.class).hasMessageContaining("pkcs11:" + t.label());
    assertThat(token.available()).as("a failed signature marks the token down").isFalse();
    token.check(); // the probe fails, the token is logged into again and the keys found anew
    assertThat(token.available()).isTrue();
    String jws = k.sign("{\"back\":true}");
    String stored = new JdbcSigningKeyRepository(db).findAll().stream().filter(x -> x.kid().equals(k.kid())).findFirst().orElseThrow().publicJwk();
    assertThat(verifies(k, jws, stored)).isTrue();
  }

  @Test
  void aTokenThatGoesAway_isTransient_andNotAvailable() throws Exception {
    SoftHsm.Token t = SoftHsm.newToken();
    Pkcs11Keys token = Pkcs11Keys.open(t.settings(), Clock.systemUTC());
    SigningKey k = vault(token, KeyAlgorithm.RS256, 2048).loadOrCreate().app().active();
    k.sign("{}");
    t.takeAway();
    try {
      assertThatThrownBy(() -> k.sign("{}")).isInstanceOf(SigningUnavailableException.class);
      token.check();
      assertThat(token.available()).as("still away after a check").isFalse();
      assertThatThrownBy(() -> k.sign("{}")).isInstanceOf(SigningUnavailableException.class);
    } finally {
      // SoftHSM2 reads a token's directory once per process: this process's library keeps it broken
      // (a restart finds it; RestartTest-like coverage in HsmServerTest), a network HSM's library reconnects
      t.bringBack();
    }
  }

  @Test
  void misconfiguration_isOneLine() throws Exception {
    SoftHsm.Token t = SoftHsm.newToken();
    Path badPin = Files.createTempFile("gatehouse-pin", ".txt");
    Files.writeString(badPin, "not-the-pin\n");
    Path empty = Files.createTempFile("gatehouse-pin", ".txt");
    record Bad(Pkcs11Keys.Settings settings, String says) {}
    for (Bad b : List.of(
        new Bad(new Pkcs11Keys.Settings(Path.of("/nonexistent/libpkcs11.so"), t.label(), t.pinFile(), 2), "no such file"),
        new Bad(new Pkcs11Keys.Settings(Path.of("/etc/hostname"), t.label(), t.pinFile(), 2), "cannot be used"),
        new Bad(new Pkcs11Keys.Settings(SoftHsm.LIBRARY, "no-such-label", t.pinFile(), 2), "no PKCS#11 token labelled 'no-such-label'"),
        new Bad(new Pkcs11Keys.Settings(SoftHsm.LIBRARY, t.label(), badPin, 2), "refused the PIN"),
        new Bad(new Pkcs11Keys.Settings(SoftHsm.LIBRARY, t.label(), empty, 2), "is empty"),
        new Bad(new Pkcs11Keys.Settings(SoftHsm.LIBRARY, t.label(), Path.of("/nonexistent/pin"), 2), "cannot read --pkcs11-pin-file"))) {
      assertThatThrownBy(() -> Pkcs11Keys.open(b.settings(), Clock.systemUTC()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(b.says())
          .satisfies(e -> assertThat(e.getMessage()).as("one line").doesNotContain("\n").doesNotContain("not-the-pin"));
    }
    // the labels found are named, so a typo is easy to see
    assertThatThrownBy(() -> Pkcs11Keys.open(new Pkcs11Keys.Settings(SoftHsm.LIBRARY, "typo", t.pinFile(), 2), Clock.systemUTC()))
        .hasMessageContaining("'" + t.label() + "'");
  }

  @Test
  void aStoredKeyMissingFromTheToken_refusesToLoad_withTheReason() throws Exception {
    SoftHsm.Token t = SoftHsm.newToken();
    SoftHsm.Token other = SoftHsm.newToken();
    vault(Pkcs11Keys.open(t.settings(), Clock.systemUTC()), KeyAlgorithm.RS256, 2048).loadOrCreate();
    // the same store opened with another token: its kids are not there
    Pkcs11Keys wrongToken = Pkcs11Keys.open(other.settings(), Clock.systemUTC());
    assertThatThrownBy(() -> vault(wrongToken, KeyAlgorithm.RS256, 2048).loadOrCreate())
        .hasMessageContaining("is kept in pkcs11:" + t.label());
    // and a software node meeting token keys says what it needs
    assertThatThrownBy(() -> new KeyVault(new JdbcSigningKeyRepository(db), master, crypto, KeyAlgorithm.RS256, 2048, Clock.systemUTC()).loadOrCreate())
        .hasMessageContaining("--key-store pkcs11 --pkcs11-token-label " + t.label());
  }

  @Test
  void failuresAreSorted_byThePkcs11ReturnValue() {
    assertThat(Pkcs11Signer.isTransient(new java.security.ProviderException("sign failed", new RuntimeException("CKR_DEVICE_REMOVED")))).isTrue();
    assertThat(Pkcs11Signer.isTransient(new java.security.ProviderException("CKR_USER_NOT_LOGGED_IN"))).isTrue();
    assertThat(Pkcs11Signer.isTransient(new java.security.ProviderException("CKR_SESSION_HANDLE_INVALID"))).isTrue();
    assertThat(Pkcs11Signer.isTransient(new java.security.ProviderException("CKR_KEY_HANDLE_INVALID"))).as("a logged-out token's key").isTrue();
    assertThat(Pkcs11Signer.isTransient(new java.security.ProviderException("CKR_MECHANISM_INVALID"))).isFalse();
    assertThat(Pkcs11Signer.isTransient(new java.security.ProviderException("CKR_KEY_TYPE_INCONSISTENT"))).isFalse();
    assertThat(Pkcs11Keys.ckr(new java.io.IOException("load failed", new RuntimeException("CKR_PIN_INCORRECT")))).isEqualTo("CKR_PIN_INCORRECT");
  }
}
