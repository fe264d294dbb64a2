package dev.gatehouse;

import dev.gatehouse.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real Gatehouse server on a free loopback port with its own temporary data folder, and an HTTP
 * client that talks to it the way connectors do. Close it to stop the server.
 */
public final class TestServer implements AutoCloseable {
  /**
   * A server started for one test class: {@code @ExtendWith(TestServer.PerClass.class)}, then take
   * it as a parameter of the {@code @BeforeAll} method (or of any test). Closed after the class.
   */
  public static final class PerClass implements org.junit.jupiter.api.extension.ParameterResolver {
    private static final org.junit.jupiter.api.extension.ExtensionContext.Namespace NS =
        org.junit.jupiter.api.extension.ExtensionContext.Namespace.create(PerClass.class);

    @Override
    public boolean supportsParameter(org.junit.jupiter.api.extension.ParameterContext p, org.junit.jupiter.api.extension.ExtensionContext c) {
      return p.getParameter().getType() == TestServer.class;
    }

    @Override
    public Object resolveParameter(org.junit.jupiter.api.extension.ParameterContext p, org.junit.jupiter.api.extension.ExtensionContext c) {
      org.junit.jupiter.api.extension.ExtensionContext classContext = c.getTestClass().isPresent() && c.getTestMethod().isPresent()
          ? c.getParent().orElse(c) : c;
      return classContext.getStore(NS).getOrComputeIfAbsent("server", k -> new Holder(TestServer.start()), Holder.class).server;
    }

    private record Holder(TestServer server) implements org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource {
      @Override
      public void close() {
        server.close();
      }
    }
  }

  public static final String ADMIN_TOKEN = "gh-test-5f2c8e1a9b7d3046c2e8f1a0b9d7c3e5";

  public final Path dataDir;
  public final MutableClock clock;
  private Consumer<ServerConfig.Builder> tweaks;
  private Gatehouse server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(Path dataDir, MutableClock clock, Consumer<ServerConfig.Builder> tweaks) {
    this.dataDir = dataDir;
    this.clock = clock;
    this.tweaks = tweaks;
  }

  public static TestServer start() {
    return start(b -> {});
  }

  public static TestServer start(Consumer<ServerConfig.Builder> tweaks) {
    try {
      Path dir = Files.createTempDirectory("gatehouse-test");
      TestServer t = new TestServer(dir.resolve("data"), new MutableClock(Instant.parse("2026-11-28T12:00:00Z")), tweaks);
      t.boot();
      return t;
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  private void boot() {
    ServerConfig.Builder b = ServerConfig.builder()
        .dataDir(dataDir).port(0).clock(clock).adminToken(ADMIN_TOKEN).eventLoops(2);
    tweaks.accept(b);
    server = Gatehouse.start(b.build());
  }

  /** Stops the server and starts a new one on the same data folder (new port). */
  public void restart() {
    server.close();
    boot();
  }

  /** Stops the server and starts one with other settings on the same data folder. */
  public void restartWith(Consumer<ServerConfig.Builder> newTweaks) {
    server.close();
    tweaks = newTweaks;
    boot();
  }

  public Gatehouse gatehouse() {
    return server;
  }

  public String base() {
    return server.baseUrl();
  }

  // ---- HTTP ----

  public HttpResponse<String> send(HttpRequest.Builder rb) {
    try {
      return http.send(rb.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RuntimeException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    }
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base() + path));
  }

  public HttpResponse<String> get(String path) {
    return send(request(path).GET());
  }

  public HttpResponse<String> post(String path, String contentType, String body, Map<String, String> headers) {
    HttpRequest.Builder rb = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      rb.header("Content-Type", contentType);
    }
    headers.forEach(rb::header);
    return send(rb);
  }

  public HttpResponse<String> admin(String method, String path, JsonObject body) {
    HttpRequest.Builder rb = request(path).header("Authorization", "Bearer " + ADMIN_TOKEN);
    if (body == null) {
      rb.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      rb.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    }
    return send(rb);
  }

  // ---- fixtures ----

  public void createAccount(String id) {
    HttpResponse<String> r = admin("POST", "/admin/v1/accounts", new JsonObject().put("id", id).put("name", "Account " + id));
    if (r.statusCode() != 201) {
      throw new AssertionError("account create: " + r.statusCode() + " " + r.body());
    }
  }

  /** An installed app: its client_id and secret. */
  public record AppCredentials(String accountId, String clientId, String clientSecret) {}

  public AppCredentials createApp(String accountId) {
    HttpResponse<String> r = admin("POST", "/admin/v1/accounts/" + accountId + "/apps", new JsonObject().put("name", "connector"));
    if (r.statusCode() != 201) {
      throw new AssertionError("app create: " + r.statusCode() + " " + r.body());
    }
    JsonObject j = new JsonObject(r.body());
    return new AppCredentials(accountId, j.getString("client_id"), j.getString("client_secret"));
  }

  public AppCredentials accountWithApp(String accountId) {
    createAccount(accountId);
    return createApp(accountId);
  }

  /** An AppJWT the way the demo app gets it: everything in the query string. */
  public String appJwt(AppCredentials app) {
    HttpResponse<String> r = post("/sentinel/api/account/" + app.accountId() + "/app/token?v=1.0&grant_type=client_credentials&client_id="
        + app.clientId() + "&client_secret=" + app.clientSecret(), "application/x-www-form-urlencoded", "", Map.of());
    if (r.statusCode() != 200) {
      throw new AssertionError("app token: " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body()).getString("access_token");
  }

  public HttpResponse<String> consumer(String accountId, String authorization, String body) {
    return post("/api/account/" + accountId + "/consumer?v=1.0", "application/json", body,
        authorization == null ? Map.of() : Map.of("Authorization", authorization));
  }

  public String consumerJws(String accountId, String appJwt, String extConsumerId) {
    HttpResponse<String> r = consumer(accountId, appJwt, new JsonObject().put("ext_consumer_id", extConsumerId).encode());
    if (r.statusCode() != 201) {
      throw new AssertionError("consumer: " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body()).getString("token");
  }

  /** The value of one series in a Prometheus scrape; fails the test when the series is not there. */
  public static double metricValue(String scrape, String series) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
    org.assertj.core.api.Assertions.assertThat(m.find())
        .as("series " + series + " in\n" + scrape.lines().filter(l -> l.startsWith("gatehouse")).toList()).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /** The value of one series in this server's {@code /metrics} now. */
  public double metric(String series) {
    return metricValue(get("/metrics").body(), series);
  }

  public static JsonObject header(String jws) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jws.split("\\.")[0])));
  }

  public static JsonObject claims(String jws) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jws.split("\\.")[1])));
  }

  @Override
  public void close() {
    server.close();
  }
}
