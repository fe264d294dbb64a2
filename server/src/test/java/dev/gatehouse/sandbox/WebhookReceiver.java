package dev.gatehouse.sandbox;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A connector's webhook endpoint, as a test's counterpart: HTTPS on loopback with a certificate
 * made by the JDK's keytool for 127.0.0.1 (its PEM is what the server is told to trust), checking
 * each notification's signature over the raw bytes it received, the way a careful connector does,
 * independently of the server's code. Answers with a status the test sets.
 */
final class WebhookReceiver implements AutoCloseable {
  /** One notification as received. */
  record Received(String accountHeader, String clientHeader, String signature, byte[] raw, boolean signatureValid, String customHeader) {
    JsonObject json() {
      return new JsonObject(new String(raw, StandardCharsets.UTF_8));
    }

    JsonObject change() {
      return json().getJsonObject("body").getJsonArray("changes").getJsonObject(0);
    }

    String type() {
      return json().getString("type");
    }

    /** The messaging event's type, or "UPSERT" for a conversation change. */
    String eventType() {
      JsonObject c = change();
      return c.containsKey("event") ? c.getJsonObject("event").getString("type") : c.getString("type");
    }
  }

  private final HttpsServer server;
  final Path caPem;
  private final List<Received> received = new ArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private volatile String secret;

  WebhookReceiver(Path dir) throws Exception {
    Path ks = dir.resolve("receiver.p12");
    caPem = dir.resolve("receiver-cert.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-alias", "hook",
        "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2");
    run(keytool, "-exportcert", "-rfc", "-keystore", ks.toString(), "-storepass", "changeit", "-alias", "hook", "-file", caPem.toString());
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    server.createContext("/hook", ex -> {
      byte[] raw = ex.getRequestBody().readAllBytes();
      String sig = ex.getRequestHeaders().getFirst("X-LivePerson-Signature");
      boolean valid = sig != null && secret != null && sig.equals(sign(secret, raw));
      synchronized (received) {
        received.add(new Received(ex.getRequestHeaders().getFirst("X-LivePerson-Account-ID"), ex.getRequestHeaders().getFirst("X-LivePerson-Client-ID"),
            sig, raw, valid, ex.getRequestHeaders().getFirst("X-Connector-Key")));
        received.notifyAll();
      }
      ex.sendResponseHeaders(status.get(), -1);
      ex.close();
    });
    server.start();
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  /** HMAC-SHA1 over the raw bytes, standard Base64: computed here, not with the server's code. */
  static String sign(String secret, byte[] raw) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return "sha1=" + java.util.Base64.getEncoder().encodeToString(mac.doFinal(raw));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  String endpoint() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  void secret(String clientSecret) {
    this.secret = clientSecret;
  }

  void answer(int code) {
    status.set(code);
  }

  List<Received> all() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Waits (up to {@code timeout}) until {@code n} received notifications match, and returns them all. */
  List<Received> await(int n, Predicate<Received> which, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (received) {
      while (received.stream().filter(which).count() < n) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("expected " + n + " matching notifications, got " + received.stream().filter(which).count() + " of "
              + received.size() + ": " + received.stream().map(Received::eventType).toList());
        }
        received.wait(Math.max(1, left / 1_000_000));
      }
      return received.stream().filter(which).toList();
    }
  }

  void clear() {
    synchronized (received) {
      received.clear();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
