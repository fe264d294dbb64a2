package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.accounts.StoredAccount;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.consumers.ConsumerRecord;
import dev.gatehouse.keys.KeyPurpose;
import dev.gatehouse.keys.KeyState;
import dev.gatehouse.keys.StoredSigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One contract for the JDBC store, run against the embedded H2 file database and against
 * PostgreSQL (a schema of its own per test): the same migrations, the same repositories, the same
 * answers.
 */
class RepositoryContractTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private Database consumersDb;

  private Database open(String kind) throws Exception {
    if (kind.equals("h2")) {
      Path dir = Files.createTempDirectory("gatehouse-contract");
      Database db = Database.h2(dir);
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

  private static StoredAccount account(String id) {
    return new StoredAccount(id, "Account " + id, "sealed-" + id, T0);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void accountsInsertOnceAndReadBack(String kind) throws Exception {
    JdbcAccountRepository accounts = new JdbcAccountRepository(open(kind));
    assertThat(accounts.insert(account("1001"))).isTrue();
    assertThat(accounts.insert(account("1001"))).as("duplicate id").isFalse();
    assertThat(accounts.insert(account("1002"))).isTrue();
    assertThat(accounts.findAll()).extracting(StoredAccount::id).containsExactlyInAnyOrder("1001", "1002");
    assertThat(accounts.findAll()).filteredOn(a -> a.id().equals("1001")).singleElement()
        .satisfies(a -> {
          assertThat(a.sealedConsumerIdKey()).isEqualTo("sealed-1001");
          assertThat(a.createdAt()).isEqualTo(T0);
        });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void appsInsertFindUpdate(String kind) throws Exception {
    Database db = open(kind);
    new JdbcAccountRepository(db).insert(account("1001"));
    JdbcAppRepository apps = new JdbcAppRepository(db);
    ClientId id = ClientId.random();
    App app = new App(id, new AccountId("1001"), "sms", "a".repeat(64), List.of("msg.consumer", "extra"), true, T0, T0);
    apps.insert(app);
    assertThat(apps.find(id)).contains(app);
    assertThat(apps.find(ClientId.random())).isEmpty();

    dev.gatehouse.apps.WebhookConfig hooks = new dev.gatehouse.apps.WebhookConfig(java.util.Map.of(
        "cqm.ExConversationChangeNotification", new dev.gatehouse.apps.WebhookConfig.Subscription("https://hooks.example/conv", 3, List.of()),
        "ms.MessagingEventNotification.ContentEvent", new dev.gatehouse.apps.WebhookConfig.Subscription("http://127.0.0.1:9/c?x=1", 0,
            List.of(new dev.gatehouse.apps.WebhookConfig.Header("X-Api-Key", "k: v")))), 3600);
    App rotated = app.withNewSecret("b".repeat(64), null, T0.plusSeconds(5), T0.plusSeconds(3600)).withEnabled(false, T0.plusSeconds(6))
        .withWebhooks(hooks, "sealed-secret", T0.plusSeconds(7));
    assertThat(apps.update(rotated)).isTrue();
    assertThat(apps.find(id)).contains(rotated);
    assertThat(apps.findAll()).containsExactly(rotated);
    assertThat(apps.update(new App(ClientId.random(), new AccountId("1001"), "x", "c".repeat(64), List.of("s"), true, T0, T0)))
        .as("unknown app").isFalse();
    assertThatThrownBy(() -> apps.insert(new App(ClientId.random(), new AccountId("9999"), "x", "c".repeat(64), List.of("s"), true, T0, T0)))
        .as("app of an account that does not exist").isInstanceOf(StoreException.class);
  }

  private static StoredSigningKey key(String kid, KeyState state) {
    return new StoredSigningKey(kid, KeyPurpose.APP_TOKEN, state, "RS256", "{\"kid\":\"" + kid + "\"}", "sealed", T0, T0, null, null);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void signingKeysPromoteIsAllOrNothing(String kid) throws Exception {
    JdbcSigningKeyRepository keys = new JdbcSigningKeyRepository(open(kid));
    assertThat(keys.insert(key("k1", KeyState.ACTIVE))).isTrue();
    assertThat(keys.insert(key("k2", KeyState.NEXT))).isTrue();
    // a promotion whose old key is no longer ACTIVE changes nothing
    assertThat(keys.promote("k2", "k-unknown", T0)).isFalse();
    assertThat(keys.findAll()).extracting(StoredSigningKey::state).containsExactly(KeyState.ACTIVE, KeyState.NEXT);
    assertThat(keys.promote("k2", "k1", T0.plusSeconds(3660))).isTrue();
    assertThat(keys.findAll()).extracting(StoredSigningKey::kid, StoredSigningKey::state, StoredSigningKey::retireAt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("k1", KeyState.RETIRING, T0.plusSeconds(3660)),
            org.assertj.core.groups.Tuple.tuple("k2", KeyState.ACTIVE, null));
    // done twice (two nodes): the second changes nothing
    assertThat(keys.promote("k2", "k1", T0)).isFalse();
    keys.updateState("k1", KeyState.RETIRED, null);
    assertThat(keys.findAll().get(0).state()).isEqualTo(KeyState.RETIRED);
  }

  private static ConsumerRecord seen(String lp, String ext, Instant at) {
    return new ConsumerRecord("1001", lp, ext, at, at);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void consumerRecordsAreIdempotentAndKeepTheFirstSighting(String kind) throws Exception {
    JdbcConsumerRepository consumers = new JdbcConsumerRepository(open(kind));
    String a = "a".repeat(64);
    String b = "b".repeat(64);
    consumers.recordAll(List.of(seen(a, "ext-a", T0), seen(b, "ext-b", T0)));
    // written again (a retry, or another node): same rows, last_seen only moves forward
    consumers.recordAll(List.of(seen(a, "ext-a", T0.plusSeconds(60)), seen(b, "ext-b", T0.minusSeconds(60)), seen(a, "ext-a", T0.plusSeconds(30))));
    assertThat(consumers.find("1001", a)).hasValueSatisfying(r -> {
      assertThat(r.extConsumerId()).isEqualTo("ext-a");
      assertThat(r.firstSeen()).isEqualTo(T0);
      assertThat(r.lastSeen()).isEqualTo(T0.plusSeconds(60));
    });
    assertThat(consumers.find("1001", b)).hasValueSatisfying(r -> assertThat(r.lastSeen()).isEqualTo(T0));
    assertThat(consumers.find("1002", a)).as("another account").isEmpty();

    List<ConsumerRecord> many = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      many.add(seen(String.format("%064x", i + 100), "ext-" + i, T0));
    }
    consumers.recordAll(many);
    List<String> paged = new ArrayList<>();
    String after = null;
    for (List<ConsumerRecord> page; !(page = consumers.list("1001", after, 1000)).isEmpty(); after = page.get(page.size() - 1).lpConsumerId()) {
      page.forEach(r -> paged.add(r.lpConsumerId()));
    }
    assertThat(paged).hasSize(2502).isSorted().doesNotHaveDuplicates();
  }

  private static java.util.Set<String> revoked(JdbcConsumerRepository consumers) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    consumers.forEachRevoked((account, lp) -> assertThat(out.add(account + "/" + lp)).as("handed over once").isTrue());
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void revokeRestoreErase(String kind) throws Exception {
    consumersDb = open(kind);
    JdbcConsumerRepository consumers = new JdbcConsumerRepository(consumersDb);
    String a = "a".repeat(64);
    String b = "b".repeat(64);
    String c = "c".repeat(64);
    consumers.recordAll(List.of(seen(a, "ext-a", T0), seen(b, "ext-b", T0)));
    consumers.revoke("1001", a, T0);
    consumers.revoke("1001", a, T0); // twice is once
    assertThat(revoked(consumers)).containsExactly("1001/" + a);
    assertThat(consumers.restore("1001", a)).isTrue();
    assertThat(consumers.restore("1001", a)).isFalse();
    assertThat(revoked(consumers)).isEmpty();

    assertThat(consumers.erase("1001", a, T0)).as("it had a record").isTrue();
    assertThat(consumers.erase("1001", a, T0)).as("erased already").isFalse();
    assertThat(consumers.find("1001", a)).isEmpty();
    assertThat(consumers.list("1001", null, 10)).extracting(ConsumerRecord::lpConsumerId).as("the tombstone is not listed").containsExactly(b);
    assertThat(consumers.restore("1001", a)).as("an erased consumer stays revoked").isFalse();
    // erased before its record was ever written (its sighting still queued somewhere)
    assertThat(consumers.erase("1001", c, T0)).isFalse();
    assertThat(revoked(consumers)).containsExactly("1001/" + a, "1001/" + c);
    // sightings queued before the erasures (on this node or another) do not bring the records back
    consumers.recordAll(List.of(seen(a, "ext-a", T0.plusSeconds(5)), seen(b, "ext-b", T0.plusSeconds(5)), seen(c, "ext-c", T0.plusSeconds(5))));
    consumers.recordAll(List.of(seen(c, "ext-c", T0.plusSeconds(6))));
    assertThat(consumers.find("1001", a)).as("the erased consumer").isEmpty();
    assertThat(consumers.find("1001", c)).as("erased before it was written").isEmpty();
    assertThat(consumers.find("1001", b)).hasValueSatisfying(r -> assertThat(r.lastSeen()).isEqualTo(T0.plusSeconds(5)));
    assertThat(consumers.list("1001", null, 10)).extracting(ConsumerRecord::lpConsumerId).containsExactly(b);
    // what the tombstones hold: the key, never the external id
    try (java.sql.Connection conn = consumersDb.dataSource().getConnection();
         java.sql.ResultSet rs = conn.createStatement().executeQuery("SELECT ext_consumer_id, COUNT(*) FROM consumers GROUP BY ext_consumer_id ORDER BY ext_consumer_id")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1) + "=" + rs.getLong(2));
      }
      assertThat(rows).containsExactly("=2", "ext-b=1");
    }
    // a text that is not an lp id is revoked and erased in the revocations only; no record can have it
    assertThat(consumers.erase("1001", "not-an-lp", T0)).isFalse();
    assertThat(revoked(consumers)).contains("1001/not-an-lp");
  }

  /** Another node's registry sees this store through it; it counts the times the revocations are read whole. */
  private static class CountingReads implements dev.gatehouse.consumers.ConsumerRepository {
    final JdbcConsumerRepository store;
    int reads;

    CountingReads(JdbcConsumerRepository store) {
      this.store = store;
    }

    @Override public void recordAll(List<ConsumerRecord> sightings) { store.recordAll(sightings); }
    @Override public java.util.Optional<ConsumerRecord> find(String a, String lp) { return store.find(a, lp); }
    @Override public List<ConsumerRecord> list(String a, String after, int limit) { return store.list(a, after, limit); }
    @Override public void revoke(String a, String lp, Instant at) { store.revoke(a, lp, at); }
    @Override public boolean erase(String a, String lp, Instant at) { return store.erase(a, lp, at); }
    @Override public boolean restore(String a, String lp) { return store.restore(a, lp); }
    @Override public String revokedSummary() { return store.revokedSummary(); }

    @Override
    public void forEachRevoked(java.util.function.BiConsumer<String, String> each) {
      reads++;
      store.forEachRevoked(each);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void revocationsAreReadAgain_onlyWhenTheStoreSaysTheyChanged(String kind) throws Exception {
    Database db = open(kind);
    JdbcConsumerRepository otherNode = new JdbcConsumerRepository(db);
    CountingReads here = new CountingReads(new JdbcConsumerRepository(db));
    String a = "a".repeat(64);
    String b = "b".repeat(64);
    otherNode.revoke("1001", a, T0);
    dev.gatehouse.consumers.ConsumerRegistry registry = new dev.gatehouse.consumers.ConsumerRegistry(here, java.time.Clock.systemUTC(), 100);
    try {
      assertThat(registry.isRevoked("1001", a)).isTrue();
      boolean summarised = kind.equals("postgresql");
      assertThat(otherNode.revokedSummary() != null).as("a summary on PostgreSQL only").isEqualTo(summarised);
      registry.reloadRevocations();
      registry.reloadRevocations();
      assertThat(here.reads).as("unchanged: read at start only (on H2, which has no summary, at every call)").isEqualTo(summarised ? 1 : 3);

      String before = otherNode.revokedSummary();
      otherNode.revoke("1001", a, T0.plusSeconds(1)); // revoked already: the set is the same
      otherNode.erase("1001", a, T0.plusSeconds(2));  // now erased too: still the same set
      assertThat(otherNode.revokedSummary()).isEqualTo(before);

      otherNode.revoke("1001", b, T0); // another node revokes
      assertThat(otherNode.revokedSummary() == null || !otherNode.revokedSummary().equals(before)).isTrue();
      int reads = here.reads;
      registry.reloadRevocations();
      assertThat(here.reads).isEqualTo(reads + 1);
      assertThat(registry.isRevoked("1001", b)).isTrue();
      assertThat(otherNode.restore("1001", b)).isTrue(); // and restores: the count goes back, the set changed
      registry.reloadRevocations();
      assertThat(here.reads).isEqualTo(reads + 2);
      assertThat(registry.isRevoked("1001", b)).isFalse();
      otherNode.erase("1001", "c".repeat(64), T0); // a consumer erased before it was ever revoked
      registry.reloadRevocations();
      assertThat(registry.isRevoked("1001", "c".repeat(64))).isTrue();
      assertThat(here.reads).isEqualTo(reads + 3);
      // a change made through this registry: the next re-read reads (once), whatever the store says
      registry.revoke("1001", "d".repeat(64));
      registry.reloadRevocations();
      registry.reloadRevocations();
      assertThat(here.reads).isEqualTo(summarised ? reads + 4 : reads + 5);
      assertThat(registry.isRevoked("1001", "d".repeat(64))).isTrue();
    } finally {
      registry.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void whatThisNodeChangesDuringASlowReRead_isNeitherLostNorBlocked(String kind) throws Exception {
    Database db = open(kind);
    JdbcConsumerRepository otherNode = new JdbcConsumerRepository(db);
    String x = "1".repeat(64);
    String y = "2".repeat(64);
    String z = "3".repeat(64);
    otherNode.revoke("1001", x, T0);
    CountDownLatch rowsTaken = new CountDownLatch(1);
    CountDownLatch handOver = new CountDownLatch(1);
    AtomicBoolean slow = new AtomicBoolean();
    // a read that takes the store's rows, then waits before handing them over: what happens
    // meanwhile falls after the rows were taken
    CountingReads here = new CountingReads(new JdbcConsumerRepository(db)) {
      @Override
      public void forEachRevoked(java.util.function.BiConsumer<String, String> each) {
        reads++;
        List<String[]> rows = new ArrayList<>();
        store.forEachRevoked((a, lp) -> rows.add(new String[] {a, lp}));
        if (slow.get()) {
          rowsTaken.countDown();
          try {
            assertThat(handOver.await(10, TimeUnit.SECONDS)).isTrue();
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        }
        rows.forEach(r -> each.accept(r[0], r[1]));
      }
    };
    dev.gatehouse.consumers.ConsumerRegistry registry = new dev.gatehouse.consumers.ConsumerRegistry(here, java.time.Clock.systemUTC(), 100);
    try {
      otherNode.revoke("1001", z, T0); // another node: the re-read is needed
      slow.set(true);
      Thread reader = new Thread(registry::reloadRevocations);
      reader.start();
      assertThat(rowsTaken.await(10, TimeUnit.SECONDS)).isTrue();
      // this node acts while the read holds rows from before: none of this waits for it
      assertThat(registry.restore("1001", x)).isTrue();
      registry.revoke("1001", y);
      registry.sighted("1001", new dev.gatehouse.consumers.LpConsumerId("4".repeat(64)), "ext-4");
      registry.flush();
      assertThat(otherNode.find("1001", "4".repeat(64))).as("the writer is not held up by the read").isPresent();
      handOver.countDown();
      reader.join(10_000);
      assertThat(reader.isAlive()).isFalse();
      assertThat(registry.isRevoked("1001", x)).as("restored during the read, in the rows read").isFalse();
      assertThat(registry.isRevoked("1001", y)).as("revoked during the read, not in the rows read").isTrue();
      assertThat(registry.isRevoked("1001", z)).as("the other node's, read").isTrue();
      slow.set(false);
      int reads = here.reads;
      registry.reloadRevocations(); // this node acted during the read: read again, and it agrees
      assertThat(here.reads).isEqualTo(reads + 1);
      assertThat(registry.isRevoked("1001", x)).isFalse();
      assertThat(registry.isRevoked("1001", y)).isTrue();
    } finally {
      registry.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void revocations_areHandedOverOnceEach_accountByAccount_acrossPages(String kind) throws Exception {
    Database db = open(kind);
    JdbcConsumerRepository consumers = new JdbcConsumerRepository(db);
    java.util.Set<String> expected = new java.util.TreeSet<>();
    java.util.Set<String> expectedErased = new java.util.TreeSet<>();
    int[] perAccount = {0, 1, 3, 4, 7, 2};
    for (int acct = 0; acct < perAccount.length; acct++) {
      for (int i = 0; i < perAccount[acct]; i++) {
        String lp = String.format("%064x", acct * 100 + i);
        if (i % 2 == 0) {
          consumers.erase("a" + acct, lp, T0);
          expectedErased.add("a" + acct + "/" + lp);
        } else {
          consumers.revoke("a" + acct, lp, T0);
        }
        expected.add("a" + acct + "/" + lp);
      }
    }
    assertThat(revoked(consumers)).containsExactlyElementsOf(expected);
    for (int page : new int[] {1, 2, 3, 4}) { // pages that end inside an account, at its end, and beyond
      List<String> all = new ArrayList<>();
      List<String> erased = new ArrayList<>();
      try (java.sql.Connection c = db.dataSource().getConnection()) {
        JdbcConsumerRepository.forEachRevocation(c, false, page, (account, lp) -> all.add(account + "/" + lp));
        JdbcConsumerRepository.forEachRevocation(c, true, page, (account, lp) -> erased.add(account + "/" + lp));
      }
      assertThat(all).as("page of " + page).containsExactlyElementsOf(expected);
      assertThat(erased).as("page of " + page).containsExactlyElementsOf(expectedErased);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aRecordTheStoreRefuses_isSetAside_andTheRestOfItsBatchIsWritten(String kind) throws Exception {
    JdbcConsumerRepository consumers = new JdbcConsumerRepository(open(kind));
    dev.gatehouse.consumers.ConsumerRegistry registry = new dev.gatehouse.consumers.ConsumerRegistry(consumers, java.time.Clock.systemUTC(), 100);
    try {
      // too long for the column: a data error on both stores, the kind that retrying never mends
      registry.sighted("1001", new dev.gatehouse.consumers.LpConsumerId("c".repeat(64)), "good-1");
      registry.sighted("1001", new dev.gatehouse.consumers.LpConsumerId("d".repeat(64)), "x".repeat(5000));
      registry.sighted("1001", new dev.gatehouse.consumers.LpConsumerId("e".repeat(64)), "good-2");
      registry.flush();
      assertThat(consumers.find("1001", "c".repeat(64))).isPresent();
      assertThat(consumers.find("1001", "e".repeat(64))).isPresent();
      assertThat(consumers.find("1001", "d".repeat(64))).isEmpty();
      assertThat(registry.rejected()).isEqualTo(1);
      assertThat(registry.queued()).isZero();
    } finally {
      registry.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aConsumerSeenAgain_isWrittenAgainOnlyAfterAMinute_andEveryNewConsumerIsWritten(String kind) throws Exception {
    JdbcConsumerRepository consumers = new JdbcConsumerRepository(open(kind));
    dev.gatehouse.MutableClock clock = new dev.gatehouse.MutableClock(T0);
    dev.gatehouse.consumers.ConsumerRegistry registry = new dev.gatehouse.consumers.ConsumerRegistry(consumers, clock, 50_000);
    try {
      String a = "a1".repeat(32);
      registry.sighted("1001", new dev.gatehouse.consumers.LpConsumerId(a), "ext-a");
      clock.advance(java.time.Duration.ofSeconds(59));
      registry.sighted("1001", new dev.gatehouse.consumers.LpConsumerId(a), "ext-a");
      registry.sighted("1002", new dev.gatehouse.consumers.LpConsumerId(a), "ext-a"); // the same lp id on another account
      registry.flush();
      assertThat(registry.written()).as("within the minute, once per account").isEqualTo(2);
      assertThat(consumers.find("1001", a).orElseThrow().lastSeen()).isEqualTo(T0);
      clock.advance(java.time.Duration.ofSeconds(1));
      registry.sighted("1001", new dev.gatehouse.consumers.LpConsumerId(a), "ext-a");
      registry.flush();
      assertThat(consumers.find("1001", a).orElseThrow().lastSeen()).as("a minute later").isEqualTo(T0.plusSeconds(60));

      // 20,000 consumers share 131,072 slots, so many share one: each is still written, and seen
      // again within the minute, none is queued again
      java.util.Random random = new java.util.Random(7);
      List<String> lps = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        lps.add(String.format("%016x%016x%016x%016x", random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()));
      }
      long before = registry.written();
      for (String lp : lps) {
        registry.sighted("1001", new dev.gatehouse.consumers.LpConsumerId(lp), "ext-" + lp.substring(0, 8));
      }
      registry.flush();
      assertThat(registry.written() - before).isEqualTo(20_000);
      assertThat(registry.dropped()).isZero();
      int found = 0;
      for (int i = 0; i < lps.size(); i += 97) {
        found += consumers.find("1001", lps.get(i)).isPresent() ? 1 : 0;
      }
      assertThat(found).isEqualTo((lps.size() + 96) / 97);
      clock.advance(java.time.Duration.ofSeconds(30));
      for (String lp : lps) {
        registry.sighted("1001", new dev.gatehouse.consumers.LpConsumerId(lp), "ext-" + lp.substring(0, 8));
      }
      registry.flush();
      assertThat(registry.written() - before).as("again within the minute: only those whose slot another took since").isLessThan(20_000 + 3_000);
    } finally {
      registry.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void theWriter_writesSightingsByItself_aloneInABurstAndAfterIdling(String kind) throws Exception {
    JdbcConsumerRepository consumers = new JdbcConsumerRepository(open(kind));
    dev.gatehouse.consumers.ConsumerRegistry registry = new dev.gatehouse.consumers.ConsumerRegistry(consumers, java.time.Clock.systemUTC(), 50_000);
    try {
      java.util.Random random = new java.util.Random(11);
      java.util.function.IntConsumer sight = n -> {
        for (int i = 0; i < n; i++) {
          String lp = String.format("%016x%016x%016x%016x", random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
          registry.sighted("1001", new dev.gatehouse.consumers.LpConsumerId(lp), "ext-" + lp.substring(0, 8));
        }
      };
      // no flush() here: the writer, woken by the first sighting while idle, writes what it gathered
      sight.accept(1);
      awaitWritten(registry, 1);
      sight.accept(2_500); // more than a batch, arriving while it gathers and writes
      awaitWritten(registry, 2_501);
      Thread.sleep(600); // idle again, several of its waits over
      sight.accept(1);
      awaitWritten(registry, 2_502);
      assertThat(registry.dropped()).isZero();
    } finally {
      registry.close();
    }
  }

  private static void awaitWritten(dev.gatehouse.consumers.ConsumerRegistry registry, long n) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (registry.written() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(registry.written()).as("written by the writer itself").isEqualTo(n);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void auditIsAppendOnlyAndPagedNewestFirst(String kind) throws Exception {
    JdbcAuditRepository audit = new JdbcAuditRepository(open(kind));
    for (int i = 0; i < 5; i++) {
      audit.append(T0.plusSeconds(i), "admin:abc", "app.create", "app/" + i, "n=" + i);
    }
    var first = audit.list(null, 3);
    assertThat(first).extracting(e -> e.target()).containsExactly("app/4", "app/3", "app/2");
    assertThat(audit.list(first.get(2).id(), 3)).extracting(e -> e.target()).containsExactly("app/1", "app/0");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void locksAreExclusiveAndTryLockGivesUp(String kind) throws Exception {
    Database db = open(kind);
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = new Thread(() -> db.withLock("test-lock", true, () -> {
      held.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    holder.start();
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    AtomicBoolean ran = new AtomicBoolean();
    assertThat(db.withLock("test-lock", false, () -> ran.set(true))).isFalse();
    assertThat(ran).isFalse();
    assertThat(db.withLock("another-lock", false, () -> ran.set(true))).as("another name is another lock").isTrue();
    release.countDown();
    holder.join(10_000);
    ran.set(false);
    assertThat(db.withLock("test-lock", false, () -> ran.set(true))).isTrue();
    assertThat(ran).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void storeAnswersPings(String kind) throws Exception {
    Database db = open(kind);
    assertThat(db.ping()).isTrue();
    assertThat(db.isPostgres()).isEqualTo(kind.equals("postgresql"));
  }
}
