package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer.AppCredentials;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** What must survive a restart on the same data folder. */
class RestartTest {

  @Test
  void afterRestart_sameLpConsumerId_oldTokensStillVerify_andAppsStillWork() throws Exception {
    try (TestServer server = TestServer.start()) {
      AppCredentials app = server.accountWithApp("5313846");
      String appJwt = server.appJwt(app);
      String before = server.consumerJws("5313846", appJwt, "John_Doe_facebook12345");
      String jwksBefore = server.get("/.well-known/jwks.json").body();

      server.restart();

      String jwksAfter = server.get("/.well-known/jwks.json").body();
      assertThat(jwksAfter).isEqualTo(jwksBefore);
      assertThat(IndependentVerifier.verifies(before, jwksAfter)).isTrue();
      // the AppJWT issued before the restart is still good, and the secret still authenticates
      String after = server.consumerJws("5313846", appJwt, "John_Doe_facebook12345");
      assertThat(TestServer.claims(after).getString("lp_consumer_id")).isEqualTo(TestServer.claims(before).getString("lp_consumer_id"));
      assertThat(server.consumerJws("5313846", server.appJwt(app), "John_Doe_facebook12345")).isEqualTo(before);
    }
  }

  @Test
  void dataFolder_andItsSecrets_areReadableByTheOwnerOnly() throws Exception {
    try (TestServer server = TestServer.start()) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.dataDir))).isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.dataDir.resolve("master.key")))).isEqualTo("rw-------");
      // the admin token came from the environment here, so no token file was written
      assertThat(server.dataDir.resolve("admin-token")).doesNotExist();
      // keys are sealed: the database file does not hold a PKCS#8 private key in clear
      byte[] db = Files.readAllBytes(server.dataDir.resolve("gatehouse.mv.db"));
      assertThat(new String(db, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("MIIE");
    }
  }

  @Test
  void generatedAdminToken_isWrittenOnce_0600_andReused() throws Exception {
    java.nio.file.Path dir = Files.createTempDirectory("gatehouse-test").resolve("data");
    var cfg = dev.gatehouse.config.ServerConfig.builder().dataDir(dir).port(0).build();
    String first;
    try (Gatehouse g = Gatehouse.start(cfg)) {
      first = Files.readString(g.adminTokenFile()).trim();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(g.adminTokenFile()))).isEqualTo("rw-------");
      assertThat(first.length()).isGreaterThanOrEqualTo(40);
      assertThat(g.banner()).contains(g.adminTokenFile().toString()).doesNotContain(first);
    }
    try (Gatehouse g = Gatehouse.start(cfg)) {
      assertThat(Files.readString(g.adminTokenFile()).trim()).isEqualTo(first);
    }
  }

  @Test
  void wrongMasterKey_refusesToStart_withAClearMessage() throws Exception {
    java.nio.file.Path dir = Files.createTempDirectory("gatehouse-test").resolve("data");
    try (Gatehouse g = Gatehouse.start(dev.gatehouse.config.ServerConfig.builder().dataDir(dir).port(0).build())) {
      assertThat(g.isReady()).isTrue();
    }
    var other = dev.gatehouse.config.ServerConfig.builder().dataDir(dir).port(0)
        .masterKey(dev.gatehouse.keys.MasterKey.generate().encoded()).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Gatehouse.start(other))
        .hasMessageContaining("wrong master key");
  }
}
