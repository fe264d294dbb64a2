package dev.gatehouse.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  @Test
  void sign_matchesRfc2202TestCase2() {
    // RFC 2202 §3, test case 2: HMAC-SHA1, key "Jefe": effcdf6ae5eb2fa2d27416d5f184df9c259a7c79
    assertThat(WebhookSignature.sign("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("sha1=" + java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")));
  }

  @Test
  void sign_matchesTheVendorDemoAppsFixture() {
    // SPEC-SEND §5: the ChatStateEvent fixture of the vendor's demo app (test/notifications.test.js), compact, with its test secret
    String body = "{\"kind\":\"notification\",\"body\":{\"changes\":[{\"originatorId\":\"2969e404f3be1c8cdda63f0b72d205ab5afb3fe3e3d7d72ab58245f564fdfd91\","
        + "\"originatorMetadata\":{\"id\":\"2969e404f3be1c8cdda63f0b72d205ab5afb3fe3e3d7d72ab58245f564fdfd91\",\"role\":\"CONSUMER\"},"
        + "\"event\":{\"type\":\"ChatStateEvent\",\"chatState\":\"PAUSE\"},\"conversationId\":\"b8b83fe9-75f0-46f2-baaa-2930f7192cfb\","
        + "\"dialogId\":\"b8b83fe9-75f0-46f2-baaa-2930f7192cfb\"}]},\"type\":\"ms.MessagingEventNotification\"}";
    assertThat(WebhookSignature.sign("rl9hacst6kqilbofup64n11ga3", body.getBytes(StandardCharsets.UTF_8))).isEqualTo("sha1=e/TfS0wv1HbvEsMqcBMmFLcMslI=");
  }
}
