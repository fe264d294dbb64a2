package dev.gatehouse.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Send API sandbox end to end, the way a connector meets it: Domain API, Sentinel, IDP,
 * CONVERSATION, SEND, and webhooks to a receiver over TLS that checks every signature itself.
 */
class SandboxTest {
  static WebhookReceiver receiver;
  static TestServer server;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("gatehouse-sandbox");
    receiver = new WebhookReceiver(dir);
    server = TestServer.start(b -> b.sandbox(true).webhookCaFile(receiver.caPem).webhookRetrySeconds(30));
  }

  @AfterAll
  static void stop() {
    server.close();
    receiver.close();
  }

  static JsonObject allWebhooks(String endpoint, int maxRetries) {
    JsonObject sub = new JsonObject().put("endpoint", endpoint).put("max_retries", maxRetries)
        .put("headers", new JsonArray().add(new JsonObject().put("header_name", "X-Connector-Key").put("header_value", "k-123")));
    JsonObject w = new JsonObject();
    for (String t : dev.gatehouse.apps.WebhookConfig.EVENT_TYPES) {
      w.put(t, sub.copy());
    }
    return w.put("retry", new JsonObject().put("retention_time", 3600));
  }

  /** A connector's view: its tokens, and the Send API calls it makes. */
  record Connector(TestServer server, String account, String clientId, String clientSecret, String appJwt, String consumerJws) {
    static Connector make(TestServer s, String account, JsonObject webhooks, String ext) {
      s.createAccount(account);
      HttpResponse<String> r = s.admin("POST", "/admin/v1/accounts/" + account + "/apps",
          new JsonObject().put("name", "sms").put("capabilities", new JsonObject().put("webhooks", webhooks)));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      JsonObject app = new JsonObject(r.body());
      TestServer.AppCredentials creds = new TestServer.AppCredentials(account, app.getString("client_id"), app.getString("client_secret"));
      String appJwt = s.appJwt(creds);
      return new Connector(s, account, creds.clientId(), creds.clientSecret(), appJwt, s.consumerJws(account, appJwt, ext));
    }

    Connector forConsumer(String ext) {
      return new Connector(server, account, clientId, clientSecret, appJwt, server.consumerJws(account, appJwt, ext));
    }

    Map<String, String> headers() {
      return Map.of("Authorization", appJwt, "X-LP-ON-BEHALF", consumerJws);
    }

    HttpResponse<String> conversation(String body, Map<String, String> headers) {
      return server.post("/api/account/" + account + "/messaging/consumer/conversation?v=3", "application/json", body, headers);
    }

    HttpResponse<String> send(String body, Map<String, String> headers) {
      return server.post("/api/account/" + account + "/messaging/consumer/conversation/send?v=3", "application/json; charset=utf-8", body, headers);
    }

    String open() {
      HttpResponse<String> r = conversation(openBody(account), headers());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return new JsonArray(r.body()).getJsonObject(1).getJsonObject("body").getString("conversationId");
    }

    HttpResponse<String> text(String conv, String text) {
      return send(publish("1", conv, new JsonObject().put("type", "ContentEvent").put("contentType", "text/plain").put("message", text)), headers());
    }
  }

  static String openBody(String account) {
    return new JsonArray()
        .add(new JsonObject().put("kind", "req").put("id", "2,").put("type", "userprofile.SetUserProfile")
            .put("body", new JsonObject().put("authenticatedData", new JsonObject().put("lp_sdes", new JsonArray()
                .add(new JsonObject().put("type", "ctmrinfo").put("info", new JsonObject().put("socialId", "1234").put("ctype", "vip")))))))
        .add(new JsonObject().put("kind", "req").put("id", "1,").put("type", "cm.ConsumerRequestConversation")
            .put("body", new JsonObject().put("brandId", account).put("channelType", "MESSAGING").put("ttrDefName", (String) null)))
        .encode();
  }

  static String publish(String id, String conv, JsonObject event) {
    return new JsonObject().put("kind", "req").put("id", id).put("type", "ms.PublishEvent")
        .put("body", new JsonObject().put("dialogId", conv).put("event", event)).encode();
  }

  static String close(String id, String conv) {
    return new JsonObject().put("kind", "req").put("id", id).put("type", "cm.UpdateConversationField")
        .put("body", new JsonObject().put("conversationId", conv).put("conversationField",
            new JsonObject().put("field", "ConversationStateField").put("conversationState", "CLOSE"))).encode();
  }

  @Test
  void connector_goesFromDomainApiToWebhook_andEveryNotificationIsSignedOverItsBytes() throws Exception {
    receiver.clear();
    Connector c = Connector.make(server, "7301", allWebhooks(receiver.endpoint(), 2), "+15550001");
    receiver.secret(c.clientSecret());

    // discovery: the Send API service name points at this server
    HttpResponse<String> domain = server.get("/api/account/7301/service/asyncMessagingEnt/baseURI.json?version=1.0");
    assertThat(domain.statusCode()).isEqualTo(200);
    assertThat(server.base()).endsWith(new JsonObject(domain.body()).getString("baseURI"));

    HttpResponse<String> opened = c.conversation(openBody("7301"), c.headers());
    assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
    JsonArray items = new JsonArray(opened.body());
    assertThat(items.getJsonObject(0).getString("reqId")).isEqualTo("2,");
    assertThat(items.getJsonObject(0).getString("code")).isEqualTo("OK");
    assertThat(items.getJsonObject(1).getString("reqId")).isEqualTo("1,");
    String conv = items.getJsonObject(1).getJsonObject("body").getString("conversationId");
    assertThat(conv).matches("[0-9a-f-]{36}");
    // asking again while it is open gives the same conversation
    assertThat(new JsonArray(c.conversation(openBody("7301"), c.headers()).body()).getJsonObject(1).getJsonObject("body").getString("conversationId"))
        .isEqualTo(conv);

    // SEND with a Bearer-prefixed AppJWT and the lowercase header spelling, a bare-number id, and an emoji
    String text = "hello \uD83D\uDC4B caf\u00e9";
    HttpResponse<String> sent = c.send(new JsonObject().put("kind", "req").put("id", 7).put("type", "ms.PublishEvent")
        .put("body", new JsonObject().put("dialogId", conv).put("conversationId", conv)
            .put("event", new JsonObject().put("type", "ContentEvent").put("contentType", "text/plain").put("message", text))).encode(),
        Map.of("Authorization", "Bearer " + c.appJwt(), "x-lp-on-behalf", c.consumerJws()));
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
    assertThat(new JsonObject(sent.body())).isEqualTo(new JsonObject().put("reqId", "7").put("code", "OK").put("body", new JsonObject().put("sequence", 0)));

    // open (consumer), agent assigned, the consumer's message, READ, typing, the echo
    List<WebhookReceiver.Received> got = receiver.await(6, x -> true, Duration.ofSeconds(20));
    assertThat(got).allSatisfy(n -> {
      assertThat(n.signatureValid()).as("signature " + n.signature()).isTrue();
      assertThat(n.accountHeader()).isEqualTo("7301");
      assertThat(n.clientHeader()).isEqualTo(c.clientId());
      assertThat(n.customHeader()).isEqualTo("k-123");
      assertThat(new String(n.raw(), StandardCharsets.ISO_8859_1)).as("ASCII-only JSON").matches("[\\x00-\\x7F]*");
    });
    // order is best effort (as the vendor documents): each is found by what it is
    assertThat(got).extracting(WebhookReceiver.Received::eventType)
        .containsExactlyInAnyOrder("UPSERT", "UPSERT", "ContentEvent", "AcceptStatusEvent", "ChatStateEvent", "ContentEvent");
    java.util.function.BiFunction<String, String, WebhookReceiver.Received> find = (type, role) -> got.stream()
        .filter(n -> n.eventType().equals(type) && (role == null || role.equals(n.change().getJsonObject("originatorMetadata").getString("role"))))
        .findFirst().orElseThrow();
    WebhookReceiver.Received agentJoined = got.stream().filter(n -> n.eventType().equals("UPSERT")
        && n.change().getJsonObject("result").getJsonObject("conversationDetails").getJsonArray("participants").size() == 2).findFirst().orElseThrow();
    String lp = TestServer.claims(c.consumerJws()).getString("lp_consumer_id");
    JsonObject details = agentJoined.change().getJsonObject("result").getJsonObject("conversationDetails");
    assertThat(details.getJsonArray("participants").stream().map(p -> ((JsonObject) p).getString("role"))).containsExactly("CONSUMER", "ASSIGNED_AGENT");
    assertThat(details.getJsonArray("participants").getJsonObject(0).getString("id")).isEqualTo(lp);
    assertThat(details.getString("state")).isEqualTo("OPEN");
    JsonObject mine = find.apply("ContentEvent", "CONSUMER").change();
    assertThat(mine.getInteger("sequence")).isZero();
    assertThat(mine.getString("originatorId")).isEqualTo(lp);
    assertThat(mine.getJsonObject("originatorMetadata").getString("role")).isEqualTo("CONSUMER");
    assertThat(mine.getString("dialogId")).isEqualTo(conv);
    assertThat(mine.getString("conversationId")).isEqualTo(conv);
    assertThat(mine.getJsonObject("event").getString("message")).isEqualTo(text);
    assertThat(new String(find.apply("ContentEvent", "CONSUMER").raw(), StandardCharsets.US_ASCII)).contains("\\ud83d\\udc4b");
    JsonObject read = find.apply("AcceptStatusEvent", null).change();
    assertThat(read.getInteger("sequence")).isEqualTo(1);
    assertThat(read.getJsonObject("event")).isEqualTo(new JsonObject().put("type", "AcceptStatusEvent").put("status", "READ").put("sequenceList", new JsonArray().add(0)));
    assertThat(find.apply("ChatStateEvent", null).change().containsKey("sequence")).as("chat states carry no sequence").isFalse();
    JsonObject echo = find.apply("ContentEvent", "ASSIGNED_AGENT").change();
    assertThat(echo.getInteger("sequence")).isEqualTo(2);
    assertThat(echo.getJsonObject("originatorMetadata").getString("role")).isEqualTo("ASSIGNED_AGENT");
    assertThat(echo.getJsonObject("event").getString("message")).isEqualTo(text);

    // the connector marks the agent's message read, then types
    HttpResponse<String> ack = c.send(publish("3", conv, new JsonObject().put("type", "AcceptStatusEvent").put("status", "READ")
        .put("sequenceList", new JsonArray().add(2))), c.headers());
    assertThat(new JsonObject(ack.body()).getJsonObject("body").getInteger("sequence")).isEqualTo(3);
    HttpResponse<String> typing = c.send(publish("0", conv, new JsonObject().put("type", "ChatStateEvent").put("chatState", "COMPOSING")), c.headers());
    assertThat(typing.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(typing.body()).getJsonObject("body")).isEqualTo(new JsonObject());

    // an agent message by hand, through the admin API
    HttpResponse<String> agent = server.admin("POST", "/admin/v1/accounts/7301/conversations/" + conv + "/agent-messages", new JsonObject().put("text", "an agent here"));
    assertThat(agent.statusCode()).as(agent.body()).isEqualTo(201);
    assertThat(new JsonObject(agent.body()).getInteger("sequence")).isEqualTo(4);

    // close, and the close notification
    HttpResponse<String> closed = c.send(close("1,", conv), c.headers());
    assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);
    assertThat(new JsonObject(closed.body()).getString("reqId")).isEqualTo("1,");
    List<WebhookReceiver.Received> all = receiver.await(1, n -> n.eventType().equals("UPSERT")
        && n.change().getJsonObject("result").getJsonObject("conversationDetails").getString("state").equals("CLOSE"), Duration.ofSeconds(20));
    JsonObject end = all.get(0).change().getJsonObject("result").getJsonObject("conversationDetails");
    assertThat(end.getString("closeReason")).isEqualTo("CONSUMER");
    assertThat(end.getString("stage")).isEqualTo("CLOSE");
    assertThat(receiver.all()).allMatch(WebhookReceiver.Received::signatureValid);

    // closed: no more publishing; a new CONVERSATION opens a new one
    HttpResponse<String> late = c.text(conv, "anyone?");
    assertThat(late.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(late.body()).getJsonObject("body").getString("details")).isEqualTo("Conversation is close");
    assertThat(c.open()).isNotEqualTo(conv);

    // the admin view of the conversation and its events
    JsonObject view = new JsonObject(server.admin("GET", "/admin/v1/accounts/7301/conversations/" + conv, null).body());
    assertThat(view.getString("state")).isEqualTo("CLOSE");
    assertThat(view.getJsonArray("events").stream().map(e -> ((JsonObject) e).getInteger("sequence")).filter(java.util.Objects::nonNull))
        .containsExactly(0, 1, 2, 3, 4);
    JsonObject deliveries = new JsonObject(server.admin("GET", "/admin/v1/accounts/7301/webhook-deliveries?state=delivered", null).body());
    assertThat(deliveries.getJsonArray("deliveries").size()).isGreaterThanOrEqualTo(10);
  }

  @Test
  void echoAgent_closesWhenTheConsumerAsks() throws Exception {
    receiver.clear();
    Connector c = Connector.make(server, "7302", allWebhooks(receiver.endpoint(), 0), "close-me");
    receiver.secret(c.clientSecret());
    String conv = c.open();
    assertThat(c.text(conv, "#close").statusCode()).isEqualTo(200);
    List<WebhookReceiver.Received> closing = receiver.await(1, n -> n.eventType().equals("UPSERT")
        && "CLOSE".equals(n.change().getJsonObject("result").getJsonObject("conversationDetails").getString("state")), Duration.ofSeconds(20));
    assertThat(closing.get(0).change().getJsonObject("result").getJsonObject("conversationDetails").getString("closeReason")).isEqualTo("AGENT");
    assertThat(c.text(conv, "still there?").statusCode()).isEqualTo(400);
  }

  /** Each row: what a careless or hostile connector sends, and the status and errorCode (or details) it gets. */
  @Test
  void everyErrorRow_getsItsDocumentedAnswer() {
    Connector c = Connector.make(server, "7303", allWebhooks(receiver.endpoint(), 0), "alice");
    Connector bob = c.forConsumer("bob");
    String conv = c.open();
    String msg = publish("1", conv, new JsonObject().put("type", "ContentEvent").put("contentType", "text/plain").put("message", "hi"));

    Map<String, Object[]> rows = new LinkedHashMap<>();
    rows.put("no Authorization", new Object[] {c.send(msg, Map.of("X-LP-ON-BEHALF", c.consumerJws())), 401, 40105});
    rows.put("no X-LP-ON-BEHALF", new Object[] {c.send(msg, Map.of("Authorization", c.appJwt())), 401, 40104});
    rows.put("AppJWT tampered", new Object[] {c.send(msg, Map.of("Authorization", c.appJwt() + "x", "X-LP-ON-BEHALF", c.consumerJws())), 401, 40102});
    rows.put("ConsumerJWS tampered", new Object[] {c.send(msg, Map.of("Authorization", c.appJwt(), "X-LP-ON-BEHALF", c.consumerJws() + "x")), 401, 40103});
    rows.put("ConsumerJWS twice", new Object[] {c.send(msg, Map.of("Authorization", c.appJwt(), "X-LP-ON-BEHALF", c.consumerJws(), "LP-On-Behalf", c.consumerJws())), 401, 40103});
    rows.put("another consumer's conversation", new Object[] {bob.send(msg, bob.headers()), 401, 40103});
    rows.put("unknown conversation", new Object[] {c.send(publish("1", "00000000-0000-0000-0000-000000000000",
        new JsonObject().put("type", "ContentEvent").put("message", "hi")), c.headers()), 400, "there is no conversation 00000000-0000-0000-0000-000000000000"});
    rows.put("v=2", new Object[] {server.post("/api/account/7303/messaging/consumer/conversation/send?v=2", "application/json", msg, c.headers()), 400,
        "v=2 is not offered; the sandbox speaks v=3"});
    rows.put("not JSON", new Object[] {c.send("{\"kind\":", c.headers()), 400, "the request body is not valid JSON"});
    rows.put("an array to SEND", new Object[] {c.send("[]", c.headers()), 400,
        "the body must be one request object {\"kind\":\"req\",\"id\":..,\"type\":..,\"body\":{..}}"});
    rows.put("no id", new Object[] {c.send("{\"kind\":\"req\",\"type\":\"ms.PublishEvent\",\"body\":{}}", c.headers()), 400,
        "the request needs an id, a string or a whole number"});
    rows.put("unknown type", new Object[] {c.send("{\"kind\":\"req\",\"id\":\"1\",\"type\":\"ms.Nope\",\"body\":{}}", c.headers()), 400,
        "type must be ms.PublishEvent, cm.UpdateConversationField or userprofile.SetUserProfile, got 'ms.Nope'"});
    rows.put("bad chat state", new Object[] {c.send(publish("1", conv, new JsonObject().put("type", "ChatStateEvent").put("chatState", "SLEEPING")), c.headers()),
        400, "body.event.chatState must be one of [ACTIVE, INACTIVE, GONE, COMPOSING, PAUSE]"});
    rows.put("READ of a sequence that does not exist", new Object[] {c.send(publish("1", conv, new JsonObject().put("type", "AcceptStatusEvent")
        .put("status", "READ").put("sequenceList", new JsonArray().add(99))), c.headers()), 400,
        "sequenceList names sequence 99, which this conversation does not have (it has 0 to -1)"});
    rows.put("no profile first", new Object[] {c.conversation(new JsonArray().add(new JsonArray(openBody("7303")).getJsonObject(1))
        .add(new JsonArray(openBody("7303")).getJsonObject(0)).encode(), c.headers()), 400,
        "the first request must be userprofile.SetUserProfile (then cm.ConsumerRequestConversation), got 'cm.ConsumerRequestConversation'"});
    rows.put("profile only", new Object[] {c.conversation(new JsonArray().add(new JsonArray(openBody("7303")).getJsonObject(0)).encode(), c.headers()), 400,
        "the array must hold userprofile.SetUserProfile then cm.ConsumerRequestConversation; it has 1 item(s)"});
    rows.put("brandId of another account", new Object[] {c.conversation(openBody("7399"), c.headers()), 400,
        "body.brandId must be the account id of the path, 7303"});
    rows.put("tokens of another account's path", new Object[] {server.post("/api/account/7399/messaging/consumer/conversation/send?v=3",
        "application/json", msg, c.headers()), 401, null});
    rows.put("text/plain body", new Object[] {server.post("/api/account/7303/messaging/consumer/conversation/send?v=3", "text/plain", msg, c.headers()),
        400, "Content-Type must be application/json, got text/plain"});
    rows.forEach((what, row) -> {
      @SuppressWarnings("unchecked")
      HttpResponse<String> r = (HttpResponse<String>) row[0];
      assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(row[1]);
      JsonObject body = new JsonObject(r.body());
      assertThat(body.getString("type")).as(what).isEqualTo(".ReqBody$ErrorResp");
      assertThat(body.getInteger("code")).as(what).isEqualTo(row[1]);
      if (row[2] instanceof Integer code) {
        assertThat(body.getJsonObject("body").getInteger("errorCode")).as(what + ": " + r.body()).isEqualTo(code);
      } else if (row[2] instanceof String details) {
        assertThat(body.getJsonObject("body").getString("details")).as(what).isEqualTo(details);
      }
    });
    // nothing refused above reached the conversation
    assertThat(new JsonObject(server.admin("GET", "/admin/v1/accounts/7303/conversations/" + conv, null).body()).getInteger("next_sequence")).isZero();

    // a disabled app and a revoked consumer are refused at once, as by /gateway/authorize
    String lp = TestServer.claims(bob.consumerJws()).getString("lp_consumer_id");
    assertThat(server.admin("POST", "/admin/v1/accounts/7303/consumers/" + lp + "/revoke", null).statusCode()).isEqualTo(200);
    HttpResponse<String> revoked = bob.conversation(openBody("7303"), bob.headers());
    assertThat(revoked.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(revoked.body()).getJsonObject("body").getInteger("errorCode")).isEqualTo(40103);
    assertThat(server.admin("POST", "/admin/v1/accounts/7303/apps/" + c.clientId() + "/disable", null).statusCode()).isEqualTo(200);
    HttpResponse<String> disabled = c.text(conv, "hi");
    assertThat(disabled.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(disabled.body()).getJsonObject("body").getInteger("errorCode")).isEqualTo(40102);
  }

  @Test
  void faultInjection_throttlesSends_failsAndDuplicatesDeliveries() throws Exception {
    receiver.clear();
    Connector c = Connector.make(server, "7304", allWebhooks(receiver.endpoint(), 1), "faulty");
    receiver.secret(c.clientSecret());
    String conv = c.open();
    receiver.await(2, n -> n.clientHeader().equals(c.clientId()), Duration.ofSeconds(20));

    HttpResponse<String> set = server.admin("PUT", "/admin/v1/accounts/7304/sandbox", new JsonObject().put("agent", "none")
        .put("faults", new JsonObject().put("send_error_share", 1.0).put("send_error_status", 429)));
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    HttpResponse<String> throttled = c.text(conv, "one");
    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).contains("1");
    assertThat(new JsonObject(throttled.body()).getJsonObject("body").getString("title")).isEqualTo("Too Many Requests");

    // every attempt fails: one retry (max_retries 1), then dropped; nothing reaches the receiver
    server.admin("PUT", "/admin/v1/accounts/7304/sandbox", new JsonObject().put("faults", new JsonObject().put("send_error_share", 0)
        .put("webhook_fail_share", 1.0)));
    int before = receiver.all().size();
    assertThat(c.text(conv, "two").statusCode()).isEqualTo(200);
    awaitDeliveries("7304", "pending", d -> d.getInteger("attempts") == 1);
    server.clock.advance(Duration.ofSeconds(31));
    JsonObject dropped = awaitDeliveries("7304", "dropped", d -> d.getInteger("attempts") == 2);
    assertThat(dropped.getString("last_result")).contains("injected failure").contains("retries used up (1)");
    assertThat(receiver.all()).hasSize(before);

    // duplicates: each notification arrives twice, both signed
    server.admin("PUT", "/admin/v1/accounts/7304/sandbox", new JsonObject().put("faults", new JsonObject().put("webhook_fail_share", 0)
        .put("webhook_duplicate_share", 1.0)));
    assertThat(c.text(conv, "three").statusCode()).isEqualTo(200);
    List<WebhookReceiver.Received> twice = receiver.await(2, n -> n.eventType().equals("ContentEvent")
        && "three".equals(n.change().getJsonObject("event").getString("message")), Duration.ofSeconds(20));
    assertThat(twice.get(0).raw()).isEqualTo(twice.get(1).raw());
    assertThat(twice).allMatch(WebhookReceiver.Received::signatureValid);
    server.admin("PUT", "/admin/v1/accounts/7304/sandbox", new JsonObject().put("agent", "echo").put("faults", new JsonObject().put("webhook_duplicate_share", 0)));

    HttpResponse<String> bad = server.admin("PUT", "/admin/v1/accounts/7304/sandbox", new JsonObject().put("faults", new JsonObject().put("webhook_fail_share", 2)));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getString("error_description")).isEqualTo("webhook_fail_share must be a share from 0 to 1, got 2.0");
  }

  /** Polls the admin API until the newest delivery in {@code state} matches. */
  static JsonObject awaitDeliveries(String account, String state, java.util.function.Predicate<JsonObject> which) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end) {
      JsonArray list = new JsonObject(server.admin("GET", "/admin/v1/accounts/" + account + "/webhook-deliveries?state=" + state, null).body())
          .getJsonArray("deliveries");
      for (Object o : list) {
        if (which.test((JsonObject) o)) {
          return (JsonObject) o;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + state + " delivery matched on account " + account);
  }

  @Test
  void webhookRegistration_isCheckedAndChangeable() {
    server.createAccount("7305");
    Map<String, JsonObject> rows = new LinkedHashMap<>();
    rows.put("webhooks.cqm.ExConversationChangeNotification.endpoint must use https; plain http is accepted only for a loopback host (local development), got http://hooks.example/x",
        new JsonObject().put("cqm.ExConversationChangeNotification", new JsonObject().put("endpoint", "http://hooks.example/x")));
    rows.put("webhooks.cqm.ExConversationChangeNotification.max_retries must be 0 to 5, got 6",
        new JsonObject().put("cqm.ExConversationChangeNotification", new JsonObject().put("endpoint", "https://hooks.example/x").put("max_retries", 6)));
    rows.put("webhooks has an unknown event type 'ms.MessagingEventNotification.Nope'; known: " + dev.gatehouse.apps.WebhookConfig.EVENT_TYPES,
        new JsonObject().put("ms.MessagingEventNotification.Nope", new JsonObject().put("endpoint", "https://hooks.example/x")));
    rows.put("webhooks.cqm.ExConversationChangeNotification.endpoint is missing",
        new JsonObject().put("cqm.ExConversationChangeNotification", new JsonObject()));
    rows.put("webhooks.cqm.ExConversationChangeNotification.headers: X-LivePerson-Signature is set by the delivery itself and may not be overridden",
        new JsonObject().put("cqm.ExConversationChangeNotification", new JsonObject().put("endpoint", "https://hooks.example/x")
            .put("headers", new JsonArray().add(new JsonObject().put("header_name", "X-LivePerson-Signature").put("header_value", "x")))));
    rows.put("webhooks must subscribe to at least one event type, of " + dev.gatehouse.apps.WebhookConfig.EVENT_TYPES, new JsonObject());
    rows.forEach((expected, hooks) -> {
      HttpResponse<String> r = server.admin("POST", "/admin/v1/accounts/7305/apps", new JsonObject().put("name", "x").put("webhooks", hooks));
      assertThat(r.statusCode()).as(expected).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getString("error_description")).isEqualTo(expected);
    });
    assertThat(new JsonObject(server.admin("GET", "/admin/v1/accounts/7305/apps", null).body()).getJsonArray("apps")).as("nothing made").isEmpty();

    // an app made without webhooks keeps no secret: registering later needs it, checked
    TestServer.AppCredentials app = server.createApp("7305");
    String path = "/admin/v1/accounts/7305/apps/" + app.clientId() + "/webhooks";
    JsonObject hooks = new JsonObject().put("cqm.ExConversationChangeNotification", new JsonObject().put("endpoint", "http://127.0.0.1:9/hook"));
    HttpResponse<String> noSecret = server.admin("PUT", path, new JsonObject().put("webhooks", hooks));
    assertThat(noSecret.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(noSecret.body()).getString("error_description")).contains("give its current client_secret");
    assertThat(server.admin("PUT", path, new JsonObject().put("webhooks", hooks).put("client_secret", "wrong")).statusCode()).isEqualTo(400);
    HttpResponse<String> ok = server.admin("PUT", path, new JsonObject().put("webhooks", hooks).put("client_secret", app.clientSecret()));
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getJsonObject("webhooks").getJsonObject("cqm.ExConversationChangeNotification").getString("endpoint"))
        .isEqualTo("http://127.0.0.1:9/hook");
    assertThat(server.admin("DELETE", path, null).statusCode()).isEqualTo(200);
    assertThat(new JsonObject(server.admin("GET", "/admin/v1/accounts/7305/apps/" + app.clientId(), null).body()).getValue("webhooks")).isNull();
  }

  static String cli(String... args) throws Exception {
    Path token = Files.createTempFile(dir, "admin", ".token");
    Files.writeString(token, TestServer.ADMIN_TOKEN);
    java.util.List<String> all = new java.util.ArrayList<>(List.of(args));
    all.add("--server=" + server.base());
    all.add("--admin-token-file=" + token);
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    var cl = dev.gatehouse.cli.Main.commandLine();
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    int code = cl.execute(all.toArray(String[]::new));
    assertThat(code).as(String.join(" ", args) + ": " + err).isZero();
    return out.toString();
  }

  @Test
  void theCli_registersWebhooks_setsTheAgent_andSendsAgentMessages() throws Exception {
    receiver.clear();
    server.createAccount("7306");
    Path hooks = dir.resolve("hooks.json");
    Files.writeString(hooks, allWebhooks(receiver.endpoint(), 1).encodePrettily());
    JsonObject app = new JsonObject(cli("app", "create", "--account", "7306", "--name", "cli", "--webhooks", "@" + hooks));
    assertThat(app.getJsonObject("webhooks").fieldNames()).containsAll(dev.gatehouse.apps.WebhookConfig.EVENT_TYPES);
    receiver.secret(app.getString("client_secret"));
    assertThat(new JsonObject(cli("sandbox", "settings", "--account", "7306", "--agent", "none", "--fault", "webhook_delay_share=0"))
        .getString("agent")).isEqualTo("none");

    TestServer.AppCredentials creds = new TestServer.AppCredentials("7306", app.getString("client_id"), app.getString("client_secret"));
    String appJwt = server.appJwt(creds);
    Connector c = new Connector(server, "7306", creds.clientId(), creds.clientSecret(), appJwt, server.consumerJws("7306", appJwt, "cli-user"));
    String conv = c.open();
    JsonObject list = new JsonObject(cli("sandbox", "conversations", "--account", "7306"));
    assertThat(list.getJsonArray("conversations").getJsonObject(0).getString("conversation_id")).isEqualTo(conv);
    assertThat(list.getJsonArray("conversations").getJsonObject(0).getValue("agent_id")).as("no scripted agent").isNull();
    JsonObject first = new JsonObject(cli("sandbox", "conversations", "--account", "7306", "--limit", "1"));
    assertThat(first.getString("next_before_id")).isEqualTo(conv);
    assertThat(new JsonObject(cli("sandbox", "conversations", "--account", "7306", "--limit", "1", "--before", first.getString("next_before"),
        "--before-id", first.getString("next_before_id"))).getJsonArray("conversations")).as("the page after the only one").isEmpty();
    HttpResponse<String> idAlone = server.admin("GET", "/admin/v1/accounts/7306/conversations?before_id=" + conv, null);
    assertThat(idAlone.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(idAlone.body()).getString("error_description")).contains("before_id goes with before");

    JsonObject sent = new JsonObject(cli("sandbox", "agent-message", "--account", "7306", conv, "Hi, I am Dana \u2014 how can I help?"));
    assertThat(sent.getInteger("sequence")).isZero();
    List<WebhookReceiver.Received> got = receiver.await(1, n -> n.eventType().equals("ContentEvent") && n.clientHeader().equals(creds.clientId()),
        Duration.ofSeconds(20));
    assertThat(got.get(0).change().getJsonObject("originatorMetadata").getString("role")).isEqualTo("ASSIGNED_AGENT");
    assertThat(got.get(0).signatureValid()).isTrue();
    JsonObject shown = new JsonObject(cli("sandbox", "show", "--account", "7306", conv));
    assertThat(shown.getString("agent_id")).isEqualTo(Conversations.agentId(new dev.gatehouse.accounts.AccountId("7306")));
    assertThat(new JsonObject(cli("sandbox", "deliveries", "--account", "7306", "--state", "delivered")).getJsonArray("deliveries")).isNotEmpty();

    JsonObject removed = new JsonObject(cli("app", "webhooks", "--account", "7306", creds.clientId(), "--remove"));
    assertThat(removed.getValue("webhooks")).isNull();
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, creds.clientSecret());
    JsonObject again = new JsonObject(cli("app", "webhooks", "--account", "7306", creds.clientId(), "--set", "@" + hooks, "--client-secret-file", secret.toString()));
    assertThat(again.getJsonObject("webhooks")).isNotNull();
  }
}
