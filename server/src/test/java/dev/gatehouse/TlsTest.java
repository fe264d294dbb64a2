package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** HTTPS with a generated certificate and with operator-provided PEM files. */
class TlsTest {

  static HttpClient trusting(Path pem) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      ks.setCertificateEntry("gatehouse", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).build();
  }

  @Test
  void selfSigned_servesHttps_thatAClientTrustingTheWrittenCertificateAccepts() throws Exception {
    try (TestServer server = TestServer.start(b -> b.tlsSelfSigned(true).publicHost("localhost"))) {
      Path cert = server.gatehouse().tlsCertificate();
      assertThat(cert).exists().isEqualTo(server.dataDir.resolve("tls-cert.pem"));
      assertThat(server.gatehouse().banner()).contains(cert.toString());
      X509Certificate x;
      try (InputStream in = Files.newInputStream(cert)) {
        x = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      assertThat(x.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
      assertThat(x.getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1)).toList()).contains((Object) "localhost");
      x.verify(x.getPublicKey());

      String base = "https://localhost:" + server.gatehouse().port();
      assertThat(server.base()).startsWith("https://");
      HttpResponse<String> r = trusting(cert).send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      // a client that does not trust it refuses it: this really is TLS with our certificate
      assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);

      // and the PEM pair it wrote serves as --tls-cert / --tls-key for another server
      try (TestServer second = TestServer.start(b -> b.tlsCert(cert).tlsKey(server.dataDir.resolve("tls-key.pem")))) {
        HttpResponse<String> r2 = trusting(cert).send(HttpRequest.newBuilder(
            URI.create("https://localhost:" + second.gatehouse().port() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r2.statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void selfSignedForAnIpAddress_carriesAnIpSubjectAltName() throws Exception {
    try (TestServer server = TestServer.start(b -> b.tlsSelfSigned(true))) {
      Path cert = server.gatehouse().tlsCertificate();
      HttpResponse<String> r = trusting(cert).send(HttpRequest.newBuilder(
          URI.create("https://127.0.0.1:" + server.gatehouse().port() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void selfSigned_isValidDer_anEndEntity_namingLocalhostAndLoopback_andOpensslAndCurlAccept() throws Exception {
    try (TestServer server = TestServer.start(b -> b.tlsSelfSigned(true).publicHost("gatehouse.example"))) {
      Path cert = server.gatehouse().tlsCertificate();
      X509Certificate x;
      try (InputStream in = Files.newInputStream(cert)) {
        x = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      assertThat(x.getBasicConstraints()).as("not a CA").isEqualTo(-1);
      boolean[] ku = x.getKeyUsage();
      assertThat(ku[0]).as("digitalSignature").isTrue();
      assertThat(ku[2]).as("keyEncipherment").isTrue();
      assertThat(ku[5]).as("keyCertSign").isFalse();
      assertThat(x.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
          .contains("gatehouse.example", "localhost", "127.0.0.1").anyMatch(n -> n.equals("0:0:0:0:0:0:0:1") || n.equals("::1"));
      // openssl's strict DER reader: the old keyUsage (03 02 05 A4) failed here
      Process p = new ProcessBuilder("openssl", "x509", "-in", cert.toString(), "-noout", "-text").redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(text).isZero();
      assertThat(text).contains("CA:FALSE").contains("Digital Signature, Key Encipherment").contains("DNS:localhost").contains("IP Address:127.0.0.1")
          .doesNotContain("Unable").doesNotContain("error");
      Process curl = new ProcessBuilder("curl", "-sS", "--cacert", cert.toString(), "https://localhost:" + server.gatehouse().port() + "/health/live")
          .redirectErrorStream(true).start();
      String out = new String(curl.getInputStream().readAllBytes());
      assertThat(curl.waitFor()).as(out).isZero();
      assertThat(out).contains("live");
    }
  }

  @Test
  void selfSigned_isRenewed_whenWithin30DaysOfExpiry() throws Exception {
    try (TestServer server = TestServer.start(b -> b.tlsSelfSigned(true))) {
      Path cert = server.gatehouse().tlsCertificate();
      String first = Files.readString(cert);
      server.clock.advance(java.time.Duration.ofDays(300));
      server.restart();
      assertThat(Files.readString(cert)).as("still 65 days left: kept").isEqualTo(first);
      server.clock.advance(java.time.Duration.ofDays(40));
      server.restart();
      assertThat(Files.readString(cert)).as("25 days left: renewed").isNotEqualTo(first);
    }
  }

  @Test
  void selfSigned_isRenewedWhileRunning_andNewHandshakesGetTheNewCertificate() throws Exception {
    try (TestServer server = TestServer.start(b -> b.tlsSelfSigned(true))) {
      Path cert = server.gatehouse().tlsCertificate();
      String first = Files.readString(cert);
      server.clock.advance(java.time.Duration.ofDays(340));
      server.gatehouse().checkCertificateNow();
      String second = Files.readString(cert);
      assertThat(second).isNotEqualTo(first);
      // a client trusting only the new certificate connects
      HttpResponse<String> r = trusting(cert).send(HttpRequest.newBuilder(
          URI.create("https://127.0.0.1:" + server.gatehouse().port() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aKeyThatIsNotTheCertificates_isRefusedAtStart_namingBothFiles() throws Exception {
    Path a;
    Path bKey;
    try (TestServer one = TestServer.start(b -> b.tlsSelfSigned(true)); TestServer two = TestServer.start(b -> b.tlsSelfSigned(true))) {
      a = one.gatehouse().tlsCertificate();
      bKey = two.dataDir.resolve("tls-key.pem");
    }
    Path certCopy = Files.createTempFile("cert", ".pem");
    Files.copy(a, certCopy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path keyCopy = Files.createTempFile("key", ".pem");
    Files.copy(bKey, keyCopy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (ServeProcess p = ServeProcess.launch(Files.createTempDirectory("gh-tls").resolve("data"), java.util.List.of(), java.util.Map.of(),
        "--tls-cert", certCopy.toString(), "--tls-key", keyCopy.toString())) {
      assertThat(p.waitFor(60)).isNotZero();
      assertThat(p.output()).contains(certCopy.toString()).contains(keyCopy.toString()).contains("do not match").doesNotContain("ready on");
    }
  }
}
