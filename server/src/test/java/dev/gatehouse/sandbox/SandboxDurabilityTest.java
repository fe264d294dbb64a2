package dev.gatehouse.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.MutableClock;
import dev.gatehouse.TestServer;
import dev.gatehouse.keys.MasterKey;
import dev.gatehouse.store.Postgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the sandbox owes survives a restart, and many nodes on one database serve one conversation as one. */
class SandboxDurabilityTest {

  @Test
  void deliveriesOwedAtStop_areDeliveredAfterRestart() throws Exception {
    Path dir = Files.createTempDirectory("gatehouse-sandbox-restart");
    try (WebhookReceiver receiver = new WebhookReceiver(dir)) {
      receiver.answer(503);
      TestServer server = TestServer.start(b -> b.sandbox(true).webhookCaFile(receiver.caPem));
      try {
        SandboxTest.Connector c = SandboxTest.Connector.make(server, "7401", SandboxTest.allWebhooks(receiver.endpoint(), 3), "restart");
        receiver.secret(c.clientSecret());
        String conv = c.open();
        assertThat(c.text(conv, "before the restart").statusCode()).isEqualTo(200);
        // six notifications, each tried once and refused by the receiver
        receiver.await(6, n -> true, Duration.ofSeconds(20));
        awaitPending(server, "7401", 6);

        server.restart();
        receiver.clear();
        receiver.answer(200);
        server.clock.advance(Duration.ofSeconds(31));
        List<WebhookReceiver.Received> got = receiver.await(6, n -> true, Duration.ofSeconds(20));
        assertThat(got).allMatch(WebhookReceiver.Received::signatureValid);
        assertThat(got.stream().map(WebhookReceiver.Received::eventType).sorted().toList())
            .containsExactly("AcceptStatusEvent", "ChatStateEvent", "ContentEvent", "ContentEvent", "UPSERT", "UPSERT");
        // the conversation itself survived too: its sequences go on
        assertThat(new JsonObject(c.text(conv, "after").body()).getJsonObject("body").getInteger("sequence")).isEqualTo(3);
      } finally {
        server.close();
      }
    }
  }

  static void awaitPending(TestServer server, String account, int n) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end) {
      var list = new JsonObject(server.admin("GET", "/admin/v1/accounts/" + account + "/webhook-deliveries?state=pending", null).body())
          .getJsonArray("deliveries");
      if (list.size() == n && list.stream().allMatch(o -> ((JsonObject) o).getInteger("attempts") == 1)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("expected " + n + " pending deliveries with one attempt each");
  }

  @Test
  void twoNodesOnPostgres_shareOneConversation_andDeliverEachNotificationOnce() throws Exception {
    Postgres.Schema schema = Postgres.freshSchema();
    String masterKey = MasterKey.generate().encoded();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    Path dir = Files.createTempDirectory("gatehouse-sandbox-nodes");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (schema; WebhookReceiver receiver = new WebhookReceiver(dir)) {
      TestServer a = TestServer.start(b -> b.db(schema.url()).masterKey(masterKey).clock(clock).sandbox(true).webhookCaFile(receiver.caPem));
      TestServer b = TestServer.start(x -> x.db(schema.url()).masterKey(masterKey).clock(clock).sandbox(true).webhookCaFile(receiver.caPem));
      try {
        SandboxTest.Connector onA = SandboxTest.Connector.make(a, "7402", SandboxTest.allWebhooks(receiver.endpoint(), 0), "shared");
        receiver.secret(onA.clientSecret());
        SandboxTest.Connector onB = new SandboxTest.Connector(b, onA.account(), onA.clientId(), onA.clientSecret(), onA.appJwt(), onA.consumerJws());
        // opened on B while A made the app a moment ago; asked again on A: the same conversation
        String conv = onB.open();
        assertThat(onA.open()).isEqualTo(conv);
        a.admin("PUT", "/admin/v1/accounts/7402/sandbox", new JsonObject().put("agent", "none"));
        Thread.sleep(2100); // settings are cached for 2 s on the node that did not make the change

        List<Future<HttpResponse<String>>> sends = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          SandboxTest.Connector via = i % 2 == 0 ? onA : onB;
          String text = "m" + i;
          sends.add(pool.submit(() -> via.text(conv, text)));
        }
        Set<Integer> sequences = ConcurrentHashMap.newKeySet();
        for (Future<HttpResponse<String>> f : sends) {
          HttpResponse<String> r = f.get();
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          sequences.add(new JsonObject(r.body()).getJsonObject("body").getInteger("sequence"));
        }
        assertThat(sequences).as("one gap-free order across both nodes").hasSize(40).allMatch(s -> s >= 0 && s < 40);

        List<WebhookReceiver.Received> got = receiver.await(40, n -> n.eventType().equals("ContentEvent"), Duration.ofSeconds(30));
        Thread.sleep(1500); // a second copy, if a node were to send one, would come within a poll
        Map<Integer, Long> perSequence = receiver.all().stream().filter(n -> n.eventType().equals("ContentEvent"))
            .collect(Collectors.groupingBy(n -> n.change().getInteger("sequence"), Collectors.counting()));
        assertThat(perSequence).hasSize(40).allSatisfy((seq, count) -> assertThat(count).as("copies of sequence " + seq).isEqualTo(1));
        assertThat(got).allMatch(WebhookReceiver.Received::signatureValid);
      } finally {
        a.close();
        b.close();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
