package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A 2xx means durable: a real {@code serve} process takes a stream of admin writes (accounts, apps,
 * secret rotations, key rotations and retirements), is killed with SIGKILL at a random moment, and
 * after a restart every write it acknowledged is there, with the same meaning. Several rounds on
 * one data folder, so each restart also recovers from the previous crash. Meanwhile new consumers
 * keep the registry's writer and the H2 file's housekeeping (which rewrites and moves chunks) busy:
 * every consumer record seen stored before a kill is still stored after it.
 */
class CrashTest {
  private static final int ROUNDS = 4;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  // what the server acknowledged, across rounds
  private final Set<String> accounts = ConcurrentHashMap.newKeySet();
  private final Map<String, String> appAccount = new ConcurrentHashMap<>();
  private final Map<String, String> latestSecret = new ConcurrentHashMap<>();
  private final Map<String, String> keyModulus = new ConcurrentHashMap<>();
  private final Set<String> retired = ConcurrentHashMap.newKeySet();
  /** account/ext_consumer_id of consumer records the admin API showed as stored. */
  private final Set<String> consumersStored = ConcurrentHashMap.newKeySet();
  private double compactions;

  @Test
  void everyAcknowledgedAdminWrite_survivesSigkill_andKidsStayUniqueAndRetiredKeysStayRetired() throws Exception {
    Path data = Files.createTempDirectory("gatehouse-crash").resolve("data");
    for (int round = 0; round < ROUNDS; round++) {
      try (ServeProcess s = ServeProcess.start(data, List.of("-Xmx256m"), Map.of())) {
        if (round > 0) {
          checkEverything(s);
        }
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
          int id = round * 10 + w;
          Thread t = new Thread(() -> write(s, id, stop), "writer-" + id);
          t.start();
          writers.add(t);
        }
        Thread keys = new Thread(() -> rotateKeys(s, stop), "keys");
        keys.start();
        writers.add(keys);
        int r = round;
        Thread consumers = new Thread(() -> consumers(s, r, stop), "consumers");
        consumers.start();
        writers.add(consumers);
        Thread.sleep(1500 + ThreadLocalRandom.current().nextInt(2500));
        compactions += compactionsSoFar(s);
        s.kill9();
        stop.set(true);
        for (Thread t : writers) {
          t.join(30_000);
        }
      }
    }
    assertThat(appAccount).as("apps acknowledged over all rounds").hasSizeGreaterThan(20);
    assertThat(retired).as("keys retired over all rounds").isNotEmpty();
    System.out.println("CrashTest: " + consumersStored.size() + " consumer records checked after kills, "
        + (long) compactions + " H2 housekeeping passes before the kills");
    assertThat(consumersStored).as("consumer records seen stored over all rounds").hasSizeGreaterThan(20);
    assertThat(compactions).as("H2 housekeeping passes that did work, over the rounds before the kills").isPositive();
    try (ServeProcess s = ServeProcess.start(data, List.of("-Xmx256m"), Map.of())) {
      checkEverything(s);
    }
  }

  private void write(ServeProcess s, int writer, AtomicBoolean stop) {
    int n = 0;
    String account = null;
    List<String> myApps = new ArrayList<>();
    while (!stop.get()) {
      try {
        if (account == null || n % 20 == 0) {
          String id = "crash" + writer + "x" + n;
          HttpResponse<String> r = s.admin(http, "POST", "/admin/v1/accounts", new JsonObject().put("id", id).encode());
          if (r.statusCode() == 201) {
            accounts.add(id);
            account = id;
          }
        } else if (n % 5 == 4 && !myApps.isEmpty()) {
          String app = myApps.get(ThreadLocalRandom.current().nextInt(myApps.size()));
          HttpResponse<String> r = s.admin(http, "POST", "/admin/v1/accounts/" + appAccount.get(app) + "/apps/" + app + "/rotate-secret",
              "{\"grace_seconds\":86400}");
          if (r.statusCode() == 200) {
            latestSecret.put(app, new JsonObject(r.body()).getString("client_secret"));
          }
        } else {
          HttpResponse<String> r = s.admin(http, "POST", "/admin/v1/accounts/" + account + "/apps", "{\"name\":\"app " + n + "\"}");
          if (r.statusCode() == 201) {
            JsonObject o = new JsonObject(r.body());
            appAccount.put(o.getString("client_id"), account);
            latestSecret.put(o.getString("client_id"), o.getString("client_secret"));
            myApps.add(o.getString("client_id"));
          }
        }
      } catch (Exception e) {
        return; // the server is gone
      }
      n++;
    }
  }

  private void rotateKeys(ServeProcess s, AtomicBoolean stop) {
    while (!stop.get()) {
      try {
        HttpResponse<String> r = s.admin(http, "POST", "/admin/v1/keys/rotate", "{\"purpose\":\"app_token\"}");
        if (r.statusCode() != 201) {
          return;
        }
        String kid = new JsonObject(r.body()).getString("kid");
        // what verifiers saw: the new kid in the JWKS with this modulus
        String n = modulus(s, kid);
        if (n != null) {
          keyModulus.put(kid, n);
        }
        HttpResponse<String> ret = s.admin(http, "POST", "/admin/v1/keys/" + kid + "/retire", null);
        if (ret.statusCode() == 200) {
          retired.add(kid);
        }
      } catch (Exception e) {
        return;
      }
    }
  }

  /** New consumers, one after another; now and then one issued a while ago is looked up and, once stored, noted. */
  private void consumers(ServeProcess s, int round, AtomicBoolean stop) {
    try {
      String account = "crashc" + round;
      if (s.admin(http, "POST", "/admin/v1/accounts", new JsonObject().put("id", account).encode()).statusCode() != 201) {
        return;
      }
      JsonObject app = new JsonObject(s.admin(http, "POST", "/admin/v1/accounts/" + account + "/apps", "{\"name\":\"consumers\"}").body());
      String jwt = new JsonObject(appToken(s, account, app.getString("client_id"), app.getString("client_secret")).body())
          .getString("access_token");
      List<String> issued = new ArrayList<>();
      List<Long> issuedAt = new ArrayList<>();
      int probed = 0;
      for (int n = 0; !stop.get(); n++) {
        String ext = "r" + round + "-" + n + "-" + ThreadLocalRandom.current().nextLong();
        HttpResponse<String> c = http.send(HttpRequest.newBuilder(URI.create(s.base() + "/api/account/" + account + "/consumer?v=1.0"))
            .header("Content-Type", "application/json").header("Authorization", jwt)
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("ext_consumer_id", ext).encode())).build(),
            HttpResponse.BodyHandlers.ofString());
        if (c.statusCode() == 201) {
          issued.add(ext);
          issuedAt.add(System.nanoTime());
        }
        // every tenth consumer issued more than half a second ago (the writer flushes every 200 ms)
        if (probed < issued.size() && System.nanoTime() - issuedAt.get(probed) > 500_000_000L) {
          String probe = issued.get(probed);
          if (s.admin(http, "GET", "/admin/v1/accounts/" + account + "/consumers?ext_consumer_id=" + probe, null).statusCode() == 200) {
            consumersStored.add(account + "/" + probe);
          }
          probed += 10;
        }
      }
    } catch (Exception e) {
      // the server is gone
    }
  }

  /** Sentinel's client-credentials grant, as a connector asks for it. */
  private HttpResponse<String> appToken(ServeProcess s, String account, String clientId, String secret) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(s.base() + "/sentinel/api/account/" + account + "/app/token?v=1.0&grant_type=client_credentials"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("client_id=" + clientId + "&client_secret=" + secret)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private double compactionsSoFar(ServeProcess s) {
    try {
      String metrics = http.send(HttpRequest.newBuilder(URI.create(s.base() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^gatehouse_store_compaction_seconds_count ([0-9.eE+-]+)$").matcher(metrics);
      return m.find() ? Double.parseDouble(m.group(1)) : 0;
    } catch (Exception e) {
      return 0;
    }
  }

  private String modulus(ServeProcess s, String kid) throws Exception {
    JsonArray keys = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(s.base() + "/.well-known/jwks.json")).build(),
        HttpResponse.BodyHandlers.ofString()).body()).getJsonArray("keys");
    for (int i = 0; i < keys.size(); i++) {
      if (kid.equals(keys.getJsonObject(i).getString("kid"))) {
        return keys.getJsonObject(i).getString("n");
      }
    }
    return null;
  }

  private void checkEverything(ServeProcess s) throws Exception {
    for (String a : accounts) {
      assertThat(s.admin(http, "GET", "/admin/v1/accounts/" + a, null).statusCode()).as("account %s", a).isEqualTo(200);
    }
    for (Map.Entry<String, String> e : appAccount.entrySet()) {
      assertThat(s.admin(http, "GET", "/admin/v1/accounts/" + e.getValue() + "/apps/" + e.getKey(), null).statusCode())
          .as("app %s", e.getKey()).isEqualTo(200);
      HttpResponse<String> token = appToken(s, e.getValue(), e.getKey(), latestSecret.get(e.getKey()));
      assertThat(token.statusCode()).as("the last acknowledged secret of app %s", e.getKey()).isEqualTo(200);
    }
    JsonArray stored = new JsonObject(s.admin(http, "GET", "/admin/v1/keys", null).body()).getJsonArray("keys");
    Map<String, String> state = new HashMap<>();
    Set<String> kids = new HashSet<>();
    for (int i = 0; i < stored.size(); i++) {
      JsonObject k = stored.getJsonObject(i);
      assertThat(kids.add(k.getString("kid"))).as("kid %s listed once", k.getString("kid")).isTrue();
      state.put(k.getString("kid"), k.getString("state"));
    }
    for (Map.Entry<String, String> e : keyModulus.entrySet()) {
      assertThat(state).as("key %s that was in the JWKS", e.getKey()).containsKey(e.getKey());
      if (!retired.contains(e.getKey()) && !"retired".equals(state.get(e.getKey()))) {
        assertThat(modulus(s, e.getKey())).as("key %s is still the same key", e.getKey()).isEqualTo(e.getValue());
      }
    }
    for (String kid : retired) {
      assertThat(state.get(kid)).as("retired key %s", kid).isEqualTo("retired");
      assertThat(modulus(s, kid)).as("retired key %s in the JWKS", kid).isNull();
    }
    for (String c : consumersStored) {
      int slash = c.indexOf('/');
      assertThat(s.admin(http, "GET", "/admin/v1/accounts/" + c.substring(0, slash) + "/consumers?ext_consumer_id=" + c.substring(slash + 1), null)
          .statusCode()).as("consumer record %s, seen stored before a kill", c).isEqualTo(200);
    }
  }
}
