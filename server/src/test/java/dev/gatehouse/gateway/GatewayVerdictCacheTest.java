package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --verdict-cache-mb}: the gateway answers the same with its verdict cache off and with one
 * far smaller than the tokens it sees (a flood of new consumers evicts, and an evicted pair is
 * verified again), and a forged token is refused either way.
 */
class GatewayVerdictCacheTest {
  private static final String SEND = "/api/account/5313846/messaging/consumer/conversation/send?v=3";

  @Test
  void cacheOff_verifiesEveryPair_andRefusesAForgedOne_everyTime() {
    try (TestServer server = TestServer.start(b -> b.verdictCacheMb(0))) {
      AppCredentials app = server.accountWithApp("5313846");
      String appJwt = server.appJwt(app);
      String consumer = server.consumerJws("5313846", appJwt, "c1");
      String forged = badSignature(consumer);
      for (int i = 0; i < 3; i++) {
        assertThat(authorize(server, appJwt, consumer).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = authorize(server, appJwt, forged);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(refused.body()).getJsonObject("body").getInteger("errorCode")).isEqualTo(40103);
      }
    }
  }

  @Test
  void aCacheSmallerThanTheTokensSeen_evictsAndVerifiesAgain_withTheSameAnswers() {
    // 1 MiB: the gateway's ConsumerJWS verdicts get 384 KiB, under 300 tokens; 1,000 are presented
    try (TestServer server = TestServer.start(b -> b.verdictCacheMb(1))) {
      AppCredentials app = server.accountWithApp("5313846");
      String appJwt = server.appJwt(app);
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        tokens.add(server.consumerJws("5313846", appJwt, "flood-" + i));
      }
      for (int round = 0; round < 2; round++) {
        for (String t : tokens) {
          HttpResponse<String> r = authorize(server, appJwt, t);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.headers().firstValue("X-Gatehouse-Account")).hasValue("5313846");
        }
      }
      assertThat(server.metric("gatehouse_verdict_cache_tokens{verifier=\"gateway\"}")).as("verdicts kept: the flood evicted").isLessThan(400);
      assertThat(authorize(server, appJwt, badSignature(tokens.get(0))).statusCode()).isEqualTo(401);
    }
  }

  /** The token with the first four characters of its signature replaced. */
  private static String badSignature(String jws) {
    int sig = jws.lastIndexOf('.') + 1;
    return jws.substring(0, sig) + "AAAA" + jws.substring(sig + 4);
  }

  private static HttpResponse<String> authorize(TestServer server, String appJwt, String consumer) {
    return server.send(server.request("/gateway/authorize").header("Authorization", appJwt).header("X-LP-ON-BEHALF", consumer)
        .header("X-Original-URI", SEND).GET());
  }
}
