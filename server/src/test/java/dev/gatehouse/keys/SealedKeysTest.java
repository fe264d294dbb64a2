package dev.gatehouse.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.store.Database;
import dev.gatehouse.store.JdbcSigningKeyRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sealed private key is bound to its kid, purpose, algorithm and public key: a row changed in
 * the store does not open. Keys sealed the old way (bound to the kid only) open once and are
 * sealed anew; a key whose halves do not match fails its self-test at load.
 */
class SealedKeysTest {
  Database db;
  MasterKey master = MasterKey.generate();
  CryptoProvider crypto = CryptoProvider.select(CryptoProvider.Choice.JDK);

  @BeforeEach
  void open() throws Exception {
    Path dir = Files.createTempDirectory("gatehouse-sealed");
    db = Database.h2(dir);
  }

  @AfterEach
  void close() {
    db.close();
  }

  KeyVault vault() {
    return new KeyVault(new JdbcSigningKeyRepository(db), master, crypto, KeyAlgorithm.RS256, 2048, Clock.systemUTC());
  }

  void sql(String statement, String... args) throws Exception {
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  String column(String col, String kid) throws Exception {
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + col + " FROM signing_keys WHERE kid = ?")) {
      ps.setString(1, kid);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  @Test
  void keysLoadBack_andAChangedPurposeOrPublicKeyDoesNotOpen() throws Exception {
    KeyRings rings = vault().loadOrCreate();
    String app = rings.app().active().kid();
    String consumer = rings.consumer().active().kid();
    assertThat(vault().loadOrCreate().app().active().kid()).isEqualTo(app);

    String jwk = column("public_jwk", app);
    sql("UPDATE signing_keys SET public_jwk = ? WHERE kid = ?", column("public_jwk", consumer).replace(consumer, app), app);
    assertThatThrownBy(() -> vault().loadOrCreate()).hasMessageContaining(app);
    sql("UPDATE signing_keys SET public_jwk = ? WHERE kid = ?", jwk, app);

    sql("UPDATE signing_keys SET purpose = 'CONSUMER_TOKEN' WHERE kid = ?", app);
    assertThatThrownBy(() -> vault().loadOrCreate()).hasMessageContaining(app);
  }

  @Test
  void aKeySealedTheOldWay_opens_andIsSealedAnew() throws Exception {
    KeyRings rings = vault().loadOrCreate();
    String kid = rings.app().active().kid();
    // what an earlier version stored: the same private key, bound to the kid only
    java.security.PrivateKey priv = privateOf(kid);
    sql("UPDATE signing_keys SET private_key_sealed = ? WHERE kid = ?", master.seal(priv.getEncoded(), "signing-key/" + kid), kid);
    String old = column("private_key_sealed", kid);
    assertThat(vault().loadOrCreate().app().active().kid()).isEqualTo(kid);
    assertThat(column("private_key_sealed", kid)).as("sealed anew").isNotEqualTo(old);
    assertThat(vault().loadOrCreate().app().active().kid()).isEqualTo(kid);
  }

  @Test
  void anOldStyleKeyWhoseHalvesDoNotMatch_failsItsSelfTest() throws Exception {
    KeyRings rings = vault().loadOrCreate();
    String app = rings.app().active().kid();
    String consumer = rings.consumer().active().kid();
    // the app key's row, sealed the old way, but holding the consumer key's private half
    sql("UPDATE signing_keys SET private_key_sealed = ? WHERE kid = ?", master.seal(privateOf(consumer).getEncoded(), "signing-key/" + app), app);
    assertThatThrownBy(() -> vault().loadOrCreate()).hasMessageContaining(app).hasMessageContaining("does not match");
  }

  private java.security.PrivateKey privateOf(String kid) throws Exception {
    // open it through a vault the test trusts: seal/open round trip with the current binding
    var stored = new JdbcSigningKeyRepository(db).findAll().stream().filter(k -> k.kid().equals(kid)).findFirst().orElseThrow();
    var jwk = com.nimbusds.jose.jwk.JWK.parse(stored.publicJwk());
    String context = "signing-key/v2/" + kid + "/" + stored.purpose().name() + "/" + stored.algorithm() + "/" + jwk.computeThumbprint();
    byte[] pkcs8 = master.open(stored.sealedPrivateKey(), context);
    return java.security.KeyFactory.getInstance("RSA").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8));
  }
}
