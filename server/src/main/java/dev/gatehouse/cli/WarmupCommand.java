package dev.gatehouse.cli;

import dev.gatehouse.Gatehouse;
import dev.gatehouse.config.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code gatehouse warmup} (hidden): starts a throw-away server on a temporary data folder, walks
 * the connector flow once over HTTP, and stops. The build runs it under {@code bin/gatehouse} so
 * that the JVM archives the classes a real start-up loads (class-data sharing), which roughly
 * halves the first start of {@code serve}. Always exits 0: a failed warm-up only costs start-up time.
 */
@Command(name = "warmup", hidden = true, description = "Exercise start-up and the connector flow once (builds the CDS archive).")
final class WarmupCommand implements Callable<Integer> {
  private static final Pattern FIELD = Pattern.compile("\"(client_id|client_secret|access_token|token)\"\\s*:\\s*\"([^\"]+)\"");

  @Override
  public Integer call() {
    Main.awaitLogging(); // the server's loggers are made below, once logging is up (see ServeCommand)
    Path dir = null;
    try {
      dir = Files.createTempDirectory("gatehouse-warmup");
      String token = java.util.HexFormat.of().formatHex(randomBytes());
      try (Gatehouse g = Gatehouse.start(ServerConfig.builder().dataDir(dir.resolve("data")).port(0).adminToken(token).build())) {
        flow(g.baseUrl(), "Bearer " + token);
      }
    } catch (Exception e) {
      System.err.println("warmup skipped: " + e);
    } finally {
      delete(dir);
    }
    return 0;
  }

  private static void flow(String base, String admin) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String json = "application/json";
    send(http, base, "GET", "/health/ready", null, null, null);
    send(http, base, "POST", "/admin/v1/accounts", admin, json, "{\"id\":\"1\"}");
    String app = send(http, base, "POST", "/admin/v1/accounts/1/apps", admin, json, "{\"name\":\"warmup\"}");
    String creds = "client_id=" + field(app, "client_id") + "&client_secret=" + field(app, "client_secret");
    send(http, base, "GET", "/admin/v1/accounts/1/apps", admin, null, null);
    String form = "application/x-www-form-urlencoded";
    String token = field(send(http, base, "POST", "/sentinel/api/account/1/app/token?v=1.0&grant_type=client_credentials", null, form, creds), "access_token");
    send(http, base, "POST", "/sentinel/api/v2/account/1/app/token", null, form, "grant_type=client_credentials&" + creds);
    field(send(http, base, "POST", "/api/account/1/consumer?v=1.0", token, json, "{\"ext_consumer_id\":\"warmup\"}"), "token");
    send(http, base, "POST", "/api/account/1/consumer?v=1.0", null, json, "{}");
    send(http, base, "GET", "/.well-known/jwks.json", null, null, null);
    send(http, base, "GET", "/api/account/1/service/baseURI.json?version=1.0", null, null, null);
    send(http, base, "GET", "/api/account/1/service/idp/baseURI.json?version=1.0", null, null, null);
  }

  private static String send(HttpClient http, String base, String method, String path, String auth, String type, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    if (type != null) {
      b.header("Content-Type", type);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static String field(String json, String name) {
    Matcher m = FIELD.matcher(json);
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return m.group(2);
      }
    }
    throw new IllegalStateException("no " + name + " in the answer");
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder left behind is harmless
    }
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[32];
    new java.security.SecureRandom().nextBytes(b);
    return b;
  }
}
