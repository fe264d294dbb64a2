package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-app quotas, when set: AppJWTs and new consumers per minute, 429 with Retry-After beyond them, other apps untouched. */
class QuotaTest {
  static HttpResponse<String> token(TestServer s, AppCredentials app) {
    return s.post("/sentinel/api/account/" + app.accountId() + "/app/token?grant_type=client_credentials", "application/x-www-form-urlencoded",
        "client_id=" + app.clientId() + "&client_secret=" + app.clientSecret(), Map.of());
  }

  @Test
  void appTokensAndNewConsumers_areLimitedPerAppPerMinute() {
    try (TestServer s = TestServer.start(b -> b.quotaAppTokensPerMinute(3).quotaNewConsumersPerMinute(2))) {
      s.clock.advance(Duration.ofSeconds(60 - s.clock.instant().getEpochSecond() % 60)); // the start of a minute
      AppCredentials a = s.accountWithApp("5313846");
      AppCredentials b = s.createApp("5313846");
      for (int i = 0; i < 3; i++) {
        assertThat(token(s, a).statusCode()).isEqualTo(200);
      }
      HttpResponse<String> over = token(s, a);
      assertThat(over.statusCode()).isEqualTo(429);
      assertThat(over.headers().firstValue("Retry-After")).contains("60");
      assertThat(token(s, b).statusCode()).as("another app").isEqualTo(200);

      s.clock.advance(Duration.ofSeconds(60));
      String appJwt = s.appJwt(a);
      assertThat(s.consumer("5313846", appJwt, "{\"ext_consumer_id\":\"one\"}").statusCode()).isEqualTo(201);
      assertThat(s.consumer("5313846", appJwt, "{\"ext_consumer_id\":\"two\"}").statusCode()).isEqualTo(201);
      assertThat(s.consumer("5313846", appJwt, "{\"ext_consumer_id\":\"three\"}").statusCode()).isEqualTo(429);
      assertThat(s.consumer("5313846", appJwt, "{\"ext_consumer_id\":\"one\"}").statusCode()).as("a repeat consumer").isEqualTo(201);
    }
  }

  @Test
  void withoutQuotas_nothingIsLimited() {
    try (TestServer s = TestServer.start()) {
      AppCredentials a = s.accountWithApp("5313846");
      for (int i = 0; i < 20; i++) {
        assertThat(token(s, a).statusCode()).isEqualTo(200);
      }
    }
  }
}
