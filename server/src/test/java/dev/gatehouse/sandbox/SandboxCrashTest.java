package dev.gatehouse.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.ServeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A 2xx from SEND means durable, webhooks owed included: a real {@code serve --sandbox} process
 * takes messages from three writers and is killed with SIGKILL at a random moment; after a restart
 * every acknowledged message is in its conversation and reaches the webhook receiver.
 */
class SandboxCrashTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void everyAcknowledgedSend_survivesSigkill_andIsDeliveredAfterRestart() throws Exception {
    Path dir = Files.createTempDirectory("gatehouse-sandbox-crash");
    Path data = dir.resolve("data");
    try (WebhookReceiver receiver = new WebhookReceiver(dir)) {
      receiver.answer(503); // nothing is delivered before the crash: all of it must come from the queue on disk
      String[] args = {"--sandbox", "--webhook-ca-file", receiver.caPem.toString(), "--webhook-retry-interval", "1"};
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      String secret;
      try (ServeProcess s = ServeProcess.start(data, List.of("-Xmx256m"), Map.of(), args)) {
        assertThat(s.admin(http, "POST", "/admin/v1/accounts", "{\"id\":\"7501\"}").statusCode()).isEqualTo(201);
        JsonObject hooks = new JsonObject().put("ms.MessagingEventNotification.ContentEvent",
            new JsonObject().put("endpoint", receiver.endpoint()).put("max_retries", 5));
        JsonObject app = new JsonObject(s.admin(http, "POST", "/admin/v1/accounts/7501/apps",
            new JsonObject().put("name", "crash").put("webhooks", hooks).encode()).body());
        secret = app.getString("client_secret");
        receiver.secret(secret);
        s.admin(http, "PUT", "/admin/v1/accounts/7501/sandbox", "{\"agent\":\"none\"}");
        String appJwt = new JsonObject(post(s.base() + "/sentinel/api/account/7501/app/token?v=1.0", "application/x-www-form-urlencoded",
            "grant_type=client_credentials&client_id=" + app.getString("client_id") + "&client_secret=" + secret, Map.of()).body()).getString("access_token");
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new java.util.ArrayList<>();
        for (int w = 0; w < 3; w++) {
          String jws = new JsonObject(post(s.base() + "/api/account/7501/consumer?v=1.0", "application/json",
              "{\"ext_consumer_id\":\"writer-" + w + "\"}", Map.of("Authorization", appJwt)).body()).getString("token");
          Map<String, String> h = Map.of("Authorization", appJwt, "X-LP-ON-BEHALF", jws);
          String conv = new JsonArray(post(s.base() + "/api/account/7501/messaging/consumer/conversation?v=3", "application/json",
              SandboxTest.openBody("7501"), h).body()).getJsonObject(1).getJsonObject("body").getString("conversationId");
          int writer = w;
          Thread t = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
              String text = "w" + writer + "-" + i;
              try {
                HttpResponse<String> r = post(s.base() + "/api/account/7501/messaging/consumer/conversation/send?v=3", "application/json",
                    SandboxTest.publish("1", conv, new JsonObject().put("type", "ContentEvent").put("message", text)), h);
                if (r.statusCode() == 200) {
                  acknowledged.add(text);
                }
              } catch (Exception e) {
                return; // the process is gone
              }
            }
          });
          t.start();
          writers.add(t);
        }
        Thread.sleep(1500 + new java.util.Random().nextInt(1500));
        s.kill9();
        stop.set(true);
        for (Thread t : writers) {
          t.join(10_000);
        }
      }
      assertThat(acknowledged).as("writes acknowledged before the crash").hasSizeGreaterThan(10);
      receiver.clear();
      receiver.answer(200);
      try (ServeProcess s = ServeProcess.start(data, List.of("-Xmx256m"), Map.of(), args)) {
        List<WebhookReceiver.Received> got;
        try {
          got = receiver.await(acknowledged.size(), n -> acknowledged.contains(n.change().getJsonObject("event").getString("message")),
              Duration.ofSeconds(60));
        } catch (AssertionError e) { // what the restarted server said, to tell why
          String out = s.output();
          throw new AssertionError(e.getMessage() + "\nthe restarted server's output (last 4,000 characters):\n"
              + out.substring(Math.max(0, out.length() - 4000)), e);
        }
        assertThat(got).allMatch(WebhookReceiver.Received::signatureValid);
        Set<String> delivered = got.stream().map(n -> n.change().getJsonObject("event").getString("message")).collect(Collectors.toSet());
        assertThat(delivered).containsAll(acknowledged);
        assertThat(s.isAlive()).isTrue();
      }
    }
  }

  private HttpResponse<String> post(String url, String type, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
