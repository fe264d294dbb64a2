package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Consumers: recorded without waiting on the store, looked up, revoked, restored and erased. */
class ConsumerRegistryTest {
  static final String BASE = "/admin/v1/accounts/5313846/consumers";

  static String lp(String consumerJws) {
    return TestServer.claims(consumerJws).getString("lp_consumer_id");
  }

  @Test
  void issuedConsumers_areRecorded_andFoundByEitherId_page_by_page() {
    try (TestServer server = TestServer.start()) {
      AppCredentials app = server.accountWithApp("5313846");
      String jwt = server.appJwt(app);
      String alice = server.consumerJws("5313846", jwt, "alice@example.com");
      server.consumerJws("5313846", jwt, "bob");
      server.consumerJws("5313846", jwt, "+1 555 0100");

      JsonObject one = new JsonObject(server.admin("GET", BASE + "/" + lp(alice), null).body());
      assertThat(one.getString("ext_consumer_id")).isEqualTo("alice@example.com");
      assertThat(one.getString("first_seen")).isEqualTo("2026-11-28T12:00:00Z");
      assertThat(one.getBoolean("revoked")).isFalse();

      JsonObject byExt = new JsonObject(server.admin("GET", BASE + "?ext_consumer_id=" + URLEncoder.encode("+1 555 0100", StandardCharsets.UTF_8), null).body());
      assertThat(byExt.getString("ext_consumer_id")).isEqualTo("+1 555 0100");

      JsonObject page1 = new JsonObject(server.admin("GET", BASE + "?limit=2", null).body());
      assertThat(page1.getJsonArray("consumers")).hasSize(2);
      JsonObject page2 = new JsonObject(server.admin("GET", BASE + "?limit=2&after=" + page1.getString("next_after"), null).body());
      assertThat(page2.getJsonArray("consumers")).hasSize(1);
      assertThat(page2.containsKey("next_after")).isFalse();
      var all = page1.getJsonArray("consumers").copy().addAll(page2.getJsonArray("consumers"));
      assertThat(all.stream().map(c -> ((JsonObject) c).getString("lp_consumer_id")).toList()).as("in lp order, across pages").isSorted()
          .containsExactlyInAnyOrder(lp(alice), lp(server.consumerJws("5313846", jwt, "bob")), lp(server.consumerJws("5313846", jwt, "+1 555 0100")));
      var badCursor = server.admin("GET", BASE + "?limit=2&after=zz", null);
      assertThat(badCursor.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(badCursor.body()).getString("error_description")).contains("after must be an lp_consumer_id");
      assertThat(server.admin("GET", BASE + "/" + "0".repeat(64), null).statusCode()).isEqualTo(404);
      assertThat(server.admin("GET", BASE + "/not-hex", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void revokedConsumer_getsNoToken_failsTheGatewayAndIntrospection_untilRestored() {
    try (TestServer server = TestServer.start()) {
      AppCredentials app = server.accountWithApp("5313846");
      String jwt = server.appJwt(app);
      String token = server.consumerJws("5313846", jwt, "carol");
      String lp = lp(token);
      assertThat(new JsonObject(server.admin("POST", BASE + "/" + lp + "/revoke", null).body()).getBoolean("revoked")).isTrue();

      HttpResponse<String> idp = server.consumer("5313846", jwt, "{\"ext_consumer_id\":\"carol\"}");
      assertThat(idp.statusCode()).isEqualTo(403);
      assertThat(new JsonObject(idp.body()).getString("error_description")).contains("revoked");
      HttpResponse<String> gate = server.send(server.request("/gateway/authorize/api/account/5313846/messaging/consumer/conversation")
          .header("Authorization", jwt).header("X-LP-ON-BEHALF", token).GET());
      assertThat(new JsonObject(gate.body()).getJsonObject("body").getInteger("errorCode")).isEqualTo(40103);
      HttpResponse<String> intro = server.post("/oauth/introspect", "application/x-www-form-urlencoded", "token=" + token,
          Map.of("Authorization", "Bearer " + TestServer.ADMIN_TOKEN));
      assertThat(new JsonObject(intro.body()).getBoolean("active")).isFalse();

      server.restart(); // revocations survive a restart
      assertThat(server.consumer("5313846", jwt, "{\"ext_consumer_id\":\"carol\"}").statusCode()).isEqualTo(403);

      assertThat(server.admin("POST", BASE + "/" + lp + "/restore", null).statusCode()).isEqualTo(200);
      assertThat(server.consumerJws("5313846", jwt, "carol")).isEqualTo(token);
      assertThat(server.admin("POST", BASE + "/" + lp + "/restore", null).statusCode()).isEqualTo(409);
    }
  }

  @Test
  void erasedConsumer_isForgotten_staysRevoked_andTheAuditKeepsNoExternalId() {
    try (TestServer server = TestServer.start()) {
      AppCredentials app = server.accountWithApp("5313846");
      String jwt = server.appJwt(app);
      String lp = lp(server.consumerJws("5313846", jwt, "dave-private-phone"));
      JsonObject erased = new JsonObject(server.admin("DELETE", BASE + "/" + lp, null).body());
      assertThat(erased.getBoolean("record_existed")).isTrue();
      assertThat(server.admin("GET", BASE + "/" + lp, null).statusCode()).isEqualTo(404);
      assertThat(server.consumer("5313846", jwt, "{\"ext_consumer_id\":\"dave-private-phone\"}").statusCode()).isEqualTo(403);
      assertThat(server.admin("POST", BASE + "/" + lp + "/restore", null).statusCode()).isEqualTo(409);
      String audit = server.admin("GET", "/admin/v1/audit", null).body();
      assertThat(audit).contains("consumer.erase").contains(lp).doesNotContain("dave-private-phone");
    }
  }

  @Test
  void recordsQueuedAtShutdown_areWrittenBeforeTheStoreCloses() {
    try (TestServer server = TestServer.start()) {
      AppCredentials app = server.accountWithApp("5313846");
      String lp = lp(server.consumerJws("5313846", server.appJwt(app), "erin"));
      server.restart(); // graceful stop right after issuing
      JsonObject r = new JsonObject(server.admin("GET", BASE + "/" + lp, null).body());
      assertThat(r.getString("ext_consumer_id")).isEqualTo("erin");
    }
  }
}
