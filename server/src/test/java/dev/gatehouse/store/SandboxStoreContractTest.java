package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.sandbox.Conversation;
import dev.gatehouse.sandbox.ConversationEvent;
import dev.gatehouse.sandbox.ConversationRepository;
import dev.gatehouse.sandbox.Delivery;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sandbox's store contract, on the embedded H2 file and on PostgreSQL: the same answers. */
class SandboxStoreContractTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static final AccountId ACCOUNT = new AccountId("1001");
  private final List<AutoCloseable> toClose = new ArrayList<>();

  private Database open(String kind) throws Exception {
    if (kind.equals("h2")) {
      Database db = Database.h2(Files.createTempDirectory("gatehouse-sandbox-contract"));
      toClose.add(db);
      return db;
    }
    Postgres.Schema schema = Postgres.freshSchema();
    toClose.add(schema);
    Database db = Database.connect(schema.url());
    toClose.add(0, db);
    return db;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private static Conversation fresh(String consumer, Instant at) {
    return new Conversation(UUID.randomUUID().toString(), ACCOUNT, ClientId.random(), consumer, "-1", "NORMAL", null, true, null, at, null, at, 0, 0);
  }

  private static ConversationRepository.Change<Integer> oneEvent(Conversation c, String kind, Delivery owed) {
    ConversationEvent e = new ConversationEvent(c.id(), c.nextEvent(), c.nextSequence(), T0, "lp", "CONSUMER", kind, "{\"n\":" + c.nextEvent() + "}");
    Conversation next = new Conversation(c.id(), c.account(), c.clientId(), c.lpConsumerId(), c.skillId(), c.ttrType(), c.agentId(), c.open(),
        c.closeReason(), c.startedAt(), c.endedAt(), T0, c.nextSequence() + 1, c.nextEvent() + 1);
    return new ConversationRepository.Change<>(next, List.of(e), owed == null ? List.of() : List.of(owed), c.nextSequence());
  }

  private static Delivery owed(Conversation c, String body) {
    return new Delivery(0, ACCOUNT, c.clientId(), c.id(), "cqm.ExConversationChangeNotification", "https://h/x", body, Delivery.PENDING, 0, 2,
        T0, T0, null, null);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void conversations_openOncePerConsumer_numberEventsInOrder_andPurge(String kind) throws Exception {
    Database db = open(kind);
    JdbcConversationRepository repo = new JdbcConversationRepository(db);
    Conversation first = repo.open(fresh("lp-a", T0), c -> new ConversationRepository.Change<>(oneEvent(c, "ConversationChange", null).conversation(),
        oneEvent(c, "ConversationChange", null).events(), List.of(), null));
    assertThat(first.nextEvent()).isEqualTo(1);
    assertThat(repo.open(fresh("lp-a", T0), c -> {
      throw new AssertionError("must not open a second conversation");
    })).isEqualTo(first);

    for (int i = 0; i < 3; i++) {
      assertThat(repo.change(first.id(), c -> oneEvent(c, "ContentEvent", owed(c, "{\"i\":" + c.nextSequence() + "}")))).contains(i + 1);
    }
    assertThat(repo.events(first.id(), 0, 10)).extracting(ConversationEvent::eventNo).containsExactly(0, 1, 2, 3);
    assertThat(repo.events(first.id(), 2, 1)).extracting(ConversationEvent::kind).containsExactly("ContentEvent");
    assertThat(repo.change("no-such", c -> oneEvent(c, "x", null))).isEmpty();
    assertThat(repo.change(first.id(), c -> null)).as("a change that writes nothing").isEmpty();
    assertThatThrownBy(() -> repo.change(first.id(), c -> {
      throw new IllegalStateException("refused");
    })).hasMessage("refused");
    assertThat(repo.find(first.id()).orElseThrow().nextSequence()).as("nothing written by the refused change").isEqualTo(4);

    // closing frees the consumer for a new conversation
    repo.change(first.id(), c -> new ConversationRepository.Change<>(new Conversation(c.id(), c.account(), c.clientId(), c.lpConsumerId(), c.skillId(),
        c.ttrType(), c.agentId(), false, "CONSUMER", c.startedAt(), T0, T0, c.nextSequence(), c.nextEvent()), List.of(), List.of(), 0));
    Conversation second = repo.open(fresh("lp-a", T0.plusSeconds(60)), c -> new ConversationRepository.Change<>(c, List.of(), List.of(), null));
    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(repo.list(ACCOUNT, null, null, 10)).extracting(Conversation::id).containsExactly(second.id(), first.id());
    assertThat(repo.list(ACCOUNT, T0.plusSeconds(60), null, 10)).extracting(Conversation::id).containsExactly(first.id());

    assertThat(repo.purge(T0.plusSeconds(1))).isEqualTo(1);
    assertThat(repo.find(first.id())).isEmpty();
    assertThat(repo.events(first.id(), 0, 10)).isEmpty();
    assertThat(repo.find(second.id())).isPresent();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void conversationsThatStartedInOneMillisecond_arePagedEachOnce_newestFirst(String kind) throws Exception {
    JdbcConversationRepository repo = new JdbcConversationRepository(open(kind));
    List<Conversation> all = new ArrayList<>();
    for (int i = 0; i < 7; i++) { // five in one millisecond, between two others
      Instant at = i == 0 ? T0.minusMillis(1) : i == 6 ? T0.plusMillis(1) : T0;
      all.add(repo.open(fresh("lp-" + i, at), c -> new ConversationRepository.Change<>(c, List.of(), List.of(), null)));
    }
    all.sort(java.util.Comparator.comparing(Conversation::startedAt).thenComparing(Conversation::id).reversed());
    for (int limit = 1; limit <= 4; limit++) {
      List<String> paged = new ArrayList<>();
      Instant before = null;
      String beforeId = null;
      for (List<Conversation> page; !(page = repo.list(ACCOUNT, before, beforeId, limit)).isEmpty(); ) {
        page.forEach(c -> paged.add(c.id()));
        before = page.get(page.size() - 1).startedAt();
        beforeId = page.get(page.size() - 1).id();
      }
      assertThat(paged).as("pages of " + limit).containsExactlyElementsOf(all.stream().map(Conversation::id).toList());
    }
    // a cursor of the instant alone (as before ids were given): those started before it
    assertThat(repo.list(ACCOUNT, T0, null, 10)).extracting(Conversation::id).containsExactly(all.get(6).id());
    assertThat(repo.list(new AccountId("2002"), null, null, 10)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void deliveries_areClaimedOnce_retried_finished_andListed(String kind) throws Exception {
    Database db = open(kind);
    JdbcConversationRepository conversations = new JdbcConversationRepository(db);
    JdbcDeliveryRepository queue = new JdbcDeliveryRepository(db);
    Conversation c = conversations.open(fresh("lp-b", T0), x -> {
      ConversationRepository.Change<Integer> e = oneEvent(x, "ConversationChange", owed(x, "{\"a\":1}"));
      return new ConversationRepository.Change<>(e.conversation(), e.events(), List.of(owed(x, "{\"a\":1}"), owed(x, "{\"b\":2}")), null);
    });
    List<Delivery> due = queue.due(T0, 10);
    assertThat(due).extracting(Delivery::body).containsExactly("{\"a\":1}", "{\"b\":2}");
    assertThat(queue.pending()).isEqualTo(2);
    long a = due.get(0).id();
    long b = due.get(1).id();
    assertThat(queue.claim(List.of(a), T0, T0.plusSeconds(30), 1)).containsExactly(a);
    assertThat(queue.claim(List.of(a, b), T0, T0.plusSeconds(30), 2)).as("a second claim within the lease gets only the other").containsExactly(b);
    assertThat(queue.due(T0, 10)).as("both leased").isEmpty();
    assertThat(queue.claim(List.of(a), T0.plusSeconds(31), T0.plusSeconds(61), 3)).as("after the lease ran out").containsExactly(a);
    queue.postpone(b, T0);

    queue.retryLater(a, 1, T0.plusSeconds(30), "HTTP 503");
    assertThat(queue.due(T0.plusSeconds(29), 10)).extracting(Delivery::id).containsExactly(b);
    assertThat(queue.due(T0.plusSeconds(30), 10)).extracting(Delivery::id).as("oldest due first").containsExactly(b, a);
    Delivery retried = queue.due(T0.plusSeconds(30), 10).get(1);
    assertThat(retried.attempts()).isEqualTo(1);
    assertThat(retried.lastResult()).isEqualTo("HTTP 503");
    queue.delivered(List.of(a), T0.plusSeconds(31), "200");
    assertThat(queue.list(ACCOUNT, Delivery.DELIVERED, 0, 10).get(0).attempts()).as("one more attempt").isEqualTo(2);
    queue.dropped(b, 3, T0.plusSeconds(32), "retries used up");
    assertThat(queue.due(T0.plusSeconds(100), 10)).isEmpty();
    assertThat(queue.pending()).isZero();
    assertThat(queue.list(ACCOUNT, null, 0, 10)).extracting(Delivery::state).containsExactly(Delivery.DROPPED, Delivery.DELIVERED);
    assertThat(queue.list(ACCOUNT, Delivery.DELIVERED, 0, 10)).extracting(Delivery::id).containsExactly(a);
    assertThat(queue.list(ACCOUNT, null, b, 10)).extracting(Delivery::id).containsExactly(a);
    assertThat(queue.list(new AccountId("2002"), null, 0, 10)).isEmpty();
    assertThat(c.id()).isNotEmpty();

    assertThat(queue.purge(T0.plusSeconds(32))).as("finished before the cutoff").isEqualTo(1);
    assertThat(queue.list(ACCOUNT, null, 0, 10)).extracting(Delivery::id).containsExactly(b);
  }

  /** Lists of any length are claimed and recorded exactly, though the statements pad them to a power of two. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void claimsAndRecords_ofOddLengths_touchExactlyTheIdsGiven(String kind) throws Exception {
    Database db = open(kind);
    JdbcConversationRepository conversations = new JdbcConversationRepository(db);
    JdbcDeliveryRepository queue = new JdbcDeliveryRepository(db);
    conversations.open(fresh("lp-odd", T0), x -> {
      ConversationRepository.Change<Integer> e = oneEvent(x, "ConversationChange", owed(x, "{\"n\":0}"));
      List<Delivery> owed = new java.util.ArrayList<>();
      for (int i = 0; i < 7; i++) {
        owed.add(owed(x, "{\"n\":" + i + "}"));
      }
      return new ConversationRepository.Change<>(e.conversation(), e.events(), owed, null);
    });
    List<Long> ids = queue.due(T0, 10).stream().map(Delivery::id).toList();
    assertThat(ids).hasSize(7);
    assertThat(queue.claim(ids.subList(0, 3), T0, T0.plusSeconds(30), 1)).containsExactlyElementsOf(ids.subList(0, 3));
    assertThat(queue.claim(ids.subList(0, 5), T0, T0.plusSeconds(30), 2)).as("the first three are leased").containsExactlyElementsOf(ids.subList(3, 5));
    queue.delivered(ids.subList(0, 3), T0.plusSeconds(1), "200");
    assertThat(queue.list(ACCOUNT, Delivery.DELIVERED, 0, 10)).extracting(Delivery::id).containsExactlyInAnyOrderElementsOf(ids.subList(0, 3));
    assertThat(queue.list(ACCOUNT, Delivery.DELIVERED, 0, 10)).extracting(Delivery::attempts).containsOnly(1);
    assertThat(queue.pending()).isEqualTo(4);
    assertThat(queue.due(T0.plusSeconds(31), 10)).extracting(Delivery::id).containsExactlyElementsOf(ids.subList(3, 7));
  }

  /** The padding itself, which needs no store: a power of two, under twice the length, the same values. */
  @Test
  void padded_isAPowerOfTwo_holdingTheSameValues() {
    for (int n = 0; n <= 600; n++) {
      List<Long> given = java.util.stream.LongStream.range(0, n).boxed().toList();
      List<Long> padded = Jdbc.padded(given);
      assertThat(Integer.bitCount(padded.size())).as("%d ids", n).isLessThanOrEqualTo(1);
      assertThat(padded.size()).isBetween(n, Math.max(n, 2 * n - 1));
      assertThat(new java.util.HashSet<>(padded)).isEqualTo(new java.util.HashSet<>(given));
    }
  }

  private static ConversationRepository.Change<Integer> close(Conversation c) {
    ConversationRepository.Change<Integer> e = oneEvent(c, "ConversationChange", owed(c, "{\"closed\":true}"));
    Conversation n = e.conversation();
    return new ConversationRepository.Change<>(new Conversation(n.id(), n.account(), n.clientId(), n.lpConsumerId(), n.skillId(), n.ttrType(),
        n.agentId(), false, "CONSUMER", n.startedAt(), T0, T0, n.nextSequence(), n.nextEvent()), e.events(), e.deliveries(), e.result());
  }

  /**
   * Changes that wait together are written in one transaction (the writer is held inside a first
   * change until six more are queued, in a known order): two of one conversation, a refusal, a
   * close followed by a change the closed conversation refuses, and an unknown conversation. Each
   * caller gets its own answer, and the store holds exactly what the answers say.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void changesWaitingTogether_areWrittenInOneBatch_eachWithItsOwnAnswer(String kind) throws Exception {
    Database db = open(kind);
    JdbcConversationRepository repo = new JdbcConversationRepository(db);
    toClose.add(0, repo);
    java.util.function.Function<Conversation, ConversationRepository.Change<Void>> opening = c -> {
      ConversationRepository.Change<Integer> e = oneEvent(c, "ConversationChange", null);
      return new ConversationRepository.Change<>(e.conversation(), e.events(), List.of(), null);
    };
    Conversation a = repo.open(fresh("lp-a", T0), opening);
    Conversation b = repo.open(fresh("lp-b", T0), opening);
    Conversation c = repo.open(fresh("lp-c", T0), opening);
    java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newCachedThreadPool();
    try {
      java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      var held = callers.submit(() -> repo.change(a.id(), x -> {
        inside.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return oneEvent(x, "ContentEvent", owed(x, "{\"held\":1}"));
      }));
      assertThat(inside.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      List<java.util.concurrent.Future<Optional<Integer>>> answers = new ArrayList<>();
      List<java.util.concurrent.Callable<Optional<Integer>>> queued = List.of(
          () -> repo.change(b.id(), x -> oneEvent(x, "ContentEvent", owed(x, "{\"b\":1}"))),
          () -> repo.change(c.id(), x -> {
            throw new IllegalStateException("refused: c");
          }),
          () -> repo.change(b.id(), x -> oneEvent(x, "ContentEvent", owed(x, "{\"b\":2}"))),
          () -> repo.change(a.id(), SandboxStoreContractTest::close),
          () -> repo.change(a.id(), x -> {
            if (!x.open()) {
              throw new IllegalStateException("refused: closed");
            }
            return oneEvent(x, "ContentEvent", null);
          }),
          () -> repo.change("no-such", x -> oneEvent(x, "ContentEvent", null)));
      for (int i = 0; i < queued.size(); i++) {
        answers.add(callers.submit(queued.get(i)));
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (repo.queued() < i + 1 && System.nanoTime() < end) {
          Thread.sleep(2);
        }
        assertThat(repo.queued()).isEqualTo(i + 1);
      }
      release.countDown();
      assertThat(held.get(10, java.util.concurrent.TimeUnit.SECONDS)).contains(1);
      assertThat(answers.get(0).get(10, java.util.concurrent.TimeUnit.SECONDS)).contains(1);
      assertThatThrownBy(() -> answers.get(1).get(10, java.util.concurrent.TimeUnit.SECONDS)).cause().hasMessage("refused: c");
      assertThat(answers.get(2).get(10, java.util.concurrent.TimeUnit.SECONDS)).as("sees the first change of b").contains(2);
      assertThat(answers.get(3).get(10, java.util.concurrent.TimeUnit.SECONDS)).contains(2);
      assertThatThrownBy(() -> answers.get(4).get(10, java.util.concurrent.TimeUnit.SECONDS)).cause().hasMessage("refused: closed");
      assertThat(answers.get(5).get(10, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
      assertThat(repo.commits()).as("the held change alone, then the six together, not one by one").isEqualTo(2);
    } finally {
      callers.shutdownNow();
    }
    assertThat(repo.events(a.id(), 0, 10)).extracting(ConversationEvent::eventNo).containsExactly(0, 1, 2);
    assertThat(repo.events(b.id(), 0, 10)).extracting(ConversationEvent::eventNo).containsExactly(0, 1, 2);
    assertThat(repo.events(c.id(), 0, 10)).extracting(ConversationEvent::eventNo).containsExactly(0);
    assertThat(repo.find(a.id()).orElseThrow().open()).isFalse();
    assertThat(repo.find(b.id()).orElseThrow().nextSequence()).isEqualTo(3);
    assertThat(repo.find(c.id()).orElseThrow().nextSequence()).isEqualTo(1);
    assertThat(new JdbcDeliveryRepository(db).due(T0, 10)).extracting(Delivery::body)
        .containsExactlyInAnyOrder("{\"held\":1}", "{\"b\":1}", "{\"b\":2}", "{\"closed\":true}");
    assertThat(repo.open(fresh("lp-a", T0), opening).id()).as("closing a freed its consumer").isNotEqualTo(a.id());
    assertThat(repo.open(fresh("lp-b", T0), opening).id()).as("b is still open").isEqualTo(b.id());
  }
}
