package dev.gatehouse.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {
  // SPEC-SEND §5: the vendor demo app's fixtures (test/notifications.test.js), compact JSON, its test secret and signatures
  static final String SECRET = "rl9hacst6kqilbofup64n11ga3";
  static final String CHAT_STATE = "{\"kind\":\"notification\",\"body\":{\"changes\":[{\"originatorId\":\"2969e404f3be1c8cdda63f0b72d205ab5afb3fe3e3d7d72ab58245f564fdfd91\","
      + "\"originatorMetadata\":{\"id\":\"2969e404f3be1c8cdda63f0b72d205ab5afb3fe3e3d7d72ab58245f564fdfd91\",\"role\":\"CONSUMER\"},"
      + "\"event\":{\"type\":\"ChatStateEvent\",\"chatState\":\"PAUSE\"},\"conversationId\":\"b8b83fe9-75f0-46f2-baaa-2930f7192cfb\","
      + "\"dialogId\":\"b8b83fe9-75f0-46f2-baaa-2930f7192cfb\"}]},\"type\":\"ms.MessagingEventNotification\"}";
  static final WebhookVerifier VERIFIER = new WebhookVerifier("42257269", "81fad476-88af-4d08-bc0e-20bc69439ed4", SECRET);

  static Map<String, String> headers(String signature) {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.put("x-liveperson-account-id", "42257269");
    h.put("x-liveperson-client-id", "81fad476-88af-4d08-bc0e-20bc69439ed4");
    if (signature != null) {
      h.put("x-liveperson-signature", signature);
    }
    return h;
  }

  static String sign(String alg, String secret, byte[] body, boolean hex) throws Exception {
    Mac mac = Mac.getInstance(alg);
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), alg));
    byte[] m = mac.doFinal(body);
    return (alg.equals("HmacSHA1") ? "sha1=" : "sha256=") + (hex ? HexFormat.of().formatHex(m) : Base64.getEncoder().encodeToString(m));
  }

  @Test
  void theVendorsFixture_verifies_andParsesIntoAChatState() throws Exception {
    Notification n = VERIFIER.verify(headers("sha1=e/TfS0wv1HbvEsMqcBMmFLcMslI=")::get, CHAT_STATE.getBytes(StandardCharsets.UTF_8));
    assertThat(n).isInstanceOfSatisfying(Notification.ChatState.class, c -> {
      assertThat(c.chatState()).isEqualTo("PAUSE");
      assertThat(c.conversationId()).isEqualTo("b8b83fe9-75f0-46f2-baaa-2930f7192cfb");
      assertThat(c.originator().role()).isEqualTo("CONSUMER");
    });
  }

  @Test
  void theBytesAreWhatIsSigned_rawUtf8AndEscapedFormsAreNotInterchangeable() throws Exception {
    String raw = "{\"kind\":\"notification\",\"body\":{\"changes\":[{\"sequence\":4,\"serverTimestamp\":1,\"originatorId\":\"a\","
        + "\"originatorMetadata\":{\"id\":\"a\",\"role\":\"ASSIGNED_AGENT\"},\"event\":{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\","
        + "\"message\":\"caf\u00e9 \uD83C\uDF89\"},\"dialogId\":\"c\",\"conversationId\":\"c\"}]},\"type\":\"ms.MessagingEventNotification\"}";
    byte[] utf8 = raw.getBytes(StandardCharsets.UTF_8);
    Notification n = VERIFIER.verify(headers(sign("HmacSHA1", SECRET, utf8, false))::get, utf8);
    assertThat(((Notification.Content) n).message()).isEqualTo("caf\u00e9 \uD83C\uDF89");
    assertThat(((Notification.Content) n).sequence()).isEqualTo(4);
    // the same JSON re-serialized with \\u escapes is other bytes: the signature of the raw bytes does not fit it
    byte[] escaped = raw.replace("\u00e9", "\\u00e9").replace("\uD83C\uDF89", "\\ud83c\\udf89").getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> VERIFIER.verify(headers(sign("HmacSHA1", SECRET, utf8, false))::get, escaped))
        .isInstanceOfSatisfying(WebhookVerifier.Rejected.class, e -> assertThat(e.status()).isEqualTo(401));
    // the newer revision's sha256=, in hex
    assertThat(VERIFIER.verify(headers(sign("HmacSHA256", SECRET, utf8, true))::get, utf8)).isInstanceOf(Notification.Content.class);
  }

  @Test
  void badNotifications_areRefusedWithTheRightStatus() throws Exception {
    byte[] body = CHAT_STATE.getBytes(StandardCharsets.UTF_8);
    String good = "sha1=e/TfS0wv1HbvEsMqcBMmFLcMslI=";
    Map<String, Object[]> rows = new java.util.LinkedHashMap<>();
    rows.put("no signature", new Object[] {headers(null), body, 400});
    Map<String, String> otherAccount = headers(good);
    otherAccount.put("X-LivePerson-Account-ID", "99999");
    rows.put("another account", new Object[] {otherAccount, body, 401});
    Map<String, String> otherClient = headers(good);
    otherClient.put("X-LivePerson-Client-ID", "00000000-0000-0000-0000-000000000000");
    rows.put("another app", new Object[] {otherClient, body, 401});
    byte[] tampered = CHAT_STATE.replace("PAUSE", "ACTIVE").getBytes(StandardCharsets.UTF_8);
    rows.put("tampered body", new Object[] {headers(good), tampered, 401});
    rows.put("wrong secret", new Object[] {headers(sign("HmacSHA1", "other", body, false)), body, 401});
    rows.put("unknown algorithm", new Object[] {headers("md5=abc"), body, 401});
    rows.put("not base64", new Object[] {headers("sha1=!!!"), body, 401});
    byte[] notANotification = "{\"hello\":1}".getBytes(StandardCharsets.UTF_8);
    rows.put("signed, but no notification", new Object[] {headers(sign("HmacSHA1", SECRET, notANotification, false)), notANotification, 400});
    rows.forEach((what, row) -> {
      @SuppressWarnings("unchecked")
      Map<String, String> h = (Map<String, String>) row[0];
      assertThatThrownBy(() -> VERIFIER.verify(h::get, (byte[]) row[1])).as(what)
          .isInstanceOfSatisfying(WebhookVerifier.Rejected.class, e -> assertThat(e.status()).as(what).isEqualTo(row[2]));
    });
  }

  @Test
  void theHandler_answers200_theRefusalStatus_or500WhenTheListenerFails() throws Exception {
    byte[] body = CHAT_STATE.getBytes(StandardCharsets.UTF_8);
    Map<String, String> h = headers("sha1=e/TfS0wv1HbvEsMqcBMmFLcMslI=");
    java.util.List<Notification> got = new java.util.ArrayList<>();
    assertThat(new WebhookHandler(VERIFIER, got::add).handle(h::get, body)).isEqualTo(200);
    assertThat(got).hasSize(1);
    assertThat(new WebhookHandler(VERIFIER, n -> {
      throw new IllegalStateException("database down");
    }).handle(h::get, body)).isEqualTo(500);
    assertThat(new WebhookHandler(VERIFIER, got::add).handle(new HashMap<String, String>()::get, body)).isEqualTo(400);
    assertThat(got).hasSize(1);
  }

  @Test
  void aConversationClosedIntoASurvey_isNotOverYet() {
    String change = "{\"kind\":\"notification\",\"body\":{\"changes\":[{\"type\":\"UPSERT\",\"result\":{\"convId\":\"c1\",\"conversationDetails\":"
        + "{\"participants\":[{\"id\":\"p\",\"role\":\"CONSUMER\"}],\"state\":\"CLOSE\",\"stage\":\"OPEN\",\"closeReason\":\"AGENT\"}}}]},"
        + "\"type\":\"cqm.ExConversationChangeNotification\"}";
    Notification.ConversationChange c = (Notification.ConversationChange) Notification.parse(change);
    assertThat(c.closed()).isFalse();
    assertThat(((Notification.ConversationChange) Notification.parse(change.replace("\"stage\":\"OPEN\"", "\"stage\":\"CLOSE\""))).closed()).isTrue();
    assertThat(c.participants()).containsExactly(new Notification.Participant("p", "CONSUMER"));
  }

  @Test
  void json_refusesDuplicateMembers_deepNesting_andTrailingText() {
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("[".repeat(40) + "]".repeat(40))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("{} x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Json.quote("\u00e9\"\n")).isEqualTo("\"\\u00e9\\\"\\n\"");
  }
}
