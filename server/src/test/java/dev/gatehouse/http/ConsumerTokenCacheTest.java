package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import org.junit.jupiter.api.Test;

/**
 * The IDP's cache of issued ConsumerJWS is bounded by heap: external ids of 256 astral characters
 * (1 KB of UTF-16 each, tokens of about 2 KB) fill it with about a third as many tokens as short
 * ids would, and a consumer whose token was evicted gets the same token and lp id again. A token is
 * kept from a consumer's second issuance on, so consumers seen once leave the cache as it was.
 */
class ConsumerTokenCacheTest {
  @Test
  void longExternalIds_fillTheCacheByTheirSize_notByTheirCount() {
    try (TestServer server = TestServer.start(b -> b.consumerTokenCacheSize(100))) {
      AppCredentials app = server.accountWithApp("5313846");
      String appJwt = server.appJwt(app);
      String[] first = new String[2];
      for (int i = 0; i < 100; i++) {
        String ext = "\uD83D\uDE00".repeat(252) + String.format("%04d", i); // 256 code points, 508 chars
        String jws = server.consumerJws("5313846", appJwt, ext);
        assertThat(server.consumerJws("5313846", appJwt, ext)).as("the second issuance, which is cached").isEqualTo(jws);
        if (i == 0) {
          first[0] = ext;
          first[1] = jws;
        }
      }
      double size = server.metric("cache_size{cache=\"consumer_jws\"}");
      assertThat(size).as("tokens of ~3.4 KB in a cache of 100 x 1.1 KB").isBetween(1.0, 40.0);
      assertThat(server.consumerJws("5313846", appJwt, first[0])).as("evicted, signed again: RS256 is deterministic").isEqualTo(first[1]);
    }
  }

  @Test
  void consumersSeenOnce_doNotFillTheCache_andASecondIssuanceIsKept() {
    try (TestServer server = TestServer.start(b -> b.consumerTokenCacheSize(1000))) {
      AppCredentials app = server.accountWithApp("5313846");
      String appJwt = server.appJwt(app);
      for (int i = 0; i < 300; i++) {
        server.consumerJws("5313846", appJwt, "once-" + i);
      }
      assertThat(server.metric("cache_size{cache=\"consumer_jws\"}")).as("300 consumers seen once").isZero();
      // the last one seen: the issuer remembers a consumer seen once in a slot that a later
      // consumer may take (one in 131,072, keyed by the account's random id key), so for once-7
      // one run in ~450 found its slot taken and signed it a second time without keeping it
      String first = server.consumerJws("5313846", appJwt, "once-299");
      assertThat(server.metric("cache_size{cache=\"consumer_jws\"}")).as("one of them seen again").isEqualTo(1.0);
      double hits = server.metric("cache_gets_total{cache=\"consumer_jws\",result=\"hit\"}");
      assertThat(server.consumerJws("5313846", appJwt, "once-299")).isEqualTo(first);
      assertThat(server.metric("cache_gets_total{cache=\"consumer_jws\",result=\"hit\"}")).as("found, not signed again").isEqualTo(hits + 1);
    }
  }
}
