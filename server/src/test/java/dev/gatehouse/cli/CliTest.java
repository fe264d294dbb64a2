package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin CLI against a running server: output on stdout, one error line on stderr, exit codes. */
@org.junit.jupiter.api.extension.ExtendWith(TestServer.PerClass.class)
class CliTest {
  static TestServer server;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void start(TestServer s) {
    server = s;
  }


  /** A token in a file, as the CLI takes it (never on the command line). */
  static String tokenFile(String token) {
    try {
      java.nio.file.Path f = java.nio.file.Files.createTempFile("admin", ".token");
      java.nio.file.Files.writeString(f, token);
      return f.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (List.of("account", "app", "keys", "lockouts", "tokens", "consumers", "audit", "sandbox").contains(args[0]) && all.stream().noneMatch(a -> a.startsWith("--server"))) {
      all.add("--server=" + server.base());
      all.add("--admin-token-file=" + tokenFile(TestServer.ADMIN_TOKEN));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Main.commandLine(all.toArray(String[]::new)); // as main() builds it
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  /** main() models only the subcommand it runs; each one reads and reports exactly as in the whole tree. */
  @Test
  void aCommandLineForOneSubcommand_isTheWholeTreesSubcommand() {
    var all = Main.commandLine();
    for (String name : all.getSubcommands().keySet()) {
      var one = Main.commandLine(name, "--help");
      if (name.equals("help")) {
        assertThat(one.getSubcommands()).as("help needs every subcommand").hasSameSizeAs(all.getSubcommands());
        continue;
      }
      assertThat(one.getSubcommands()).containsOnlyKeys(name);
      assertThat(one.getSubcommands().get(name).getUsageMessage()).as(name).isEqualTo(all.getSubcommands().get(name).getUsageMessage());
    }
    assertThat(all.getSubcommands()).containsKeys("serve", "account", "app", "keys", "consumers", "help");
    assertThat(Main.commandLine("serv").getSubcommands()).as("a misspelt name gets the whole tree, for suggestions")
        .hasSameSizeAs(all.getSubcommands());
    Run help = cli("help", "serve");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--data").contains("Usage: gatehouse serve");
    Run typo = cli("serv");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err()).contains("serve");
  }

  @Test
  void accountAndAppLifecycle_throughTheCli() {
    Run acct = cli("account", "create", "5313846", "--name", "Acme");
    assertThat(acct.code()).as(acct.err()).isZero();
    assertThat(new JsonObject(acct.out()).getString("name")).isEqualTo("Acme");

    Run app = cli("app", "create", "--account", "5313846", "--name", "SMS connector");
    assertThat(app.code()).as(app.err()).isZero();
    JsonObject a = new JsonObject(app.out());
    assertThat(a.getString("client_secret")).hasSize(43);
    String id = a.getString("client_id");

    Run list = cli("app", "list", "--account", "5313846");
    assertThat(list.out()).contains(id).doesNotContain(a.getString("client_secret"));

    Run off = cli("app", "disable", "--account", "5313846", id);
    assertThat(off.code()).isZero();
    assertThat(new JsonObject(off.out()).getBoolean("enabled")).isFalse();
    Run on = cli("app", "enable", "--account", "5313846", id);
    assertThat(new JsonObject(on.out()).getBoolean("enabled")).isTrue();

    Run rotated = cli("app", "rotate-secret", "--account", "5313846", id, "--grace", "2h");
    assertThat(rotated.code()).as(rotated.err()).isZero();
    assertThat(new JsonObject(rotated.out()).getString("client_secret")).hasSize(43).isNotEqualTo(a.getString("client_secret"));
    assertThat(new JsonObject(rotated.out()).getString("previous_secret_expires_at")).isNotNull();
    Run cut = cli("app", "rotate-secret", "--account", "5313846", id, "--now");
    assertThat(new JsonObject(cut.out()).getValue("previous_secret_expires_at")).isNull();
    Run badGrace = cli("app", "rotate-secret", "--account", "5313846", id, "--grace", "soon");
    assertThat(badGrace.code()).as("usage").isEqualTo(2);
    assertThat(badGrace.err()).startsWith("error: --grace must be");
  }

  @Test
  void keys_listRotateAndRetire_throughTheCli() {
    Run list = cli("keys", "list");
    assertThat(list.code()).as(list.err()).isZero();
    JsonObject keys = new JsonObject(list.out());
    String consumerKid = keys.getJsonArray("keys").stream().map(k -> (JsonObject) k)
        .filter(k -> k.getString("purpose").equals("consumer_token")).findFirst().orElseThrow().getString("kid");
    Run rotated = cli("keys", "rotate", "--purpose", "consumer");
    assertThat(rotated.code()).as(rotated.err()).isZero();
    assertThat(new JsonObject(rotated.out()).getString("state")).isEqualTo("next");
    String nextKid = new JsonObject(rotated.out()).getString("kid");
    Run noForce = cli("keys", "retire", nextKid);
    assertThat(noForce.code()).as("conflict").isEqualTo(6);
    assertThat(noForce.err()).startsWith("error: 409 conflict").contains("force");
    Run forced = cli("keys", "retire", nextKid, "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(forced.err()).contains("warning: every ConsumerJWS signed by " + nextKid);
    assertThat(cli("keys", "retire", consumerKid, "--force").err()).contains("rotate first");
    assertThat(cli("keys", "rotate", "--purpose", "both").err()).contains("--purpose must be app or consumer");
  }

  @Test
  void errors_areOneLineOnStderr_withANonZeroExit() {
    cli("account", "create", "dup1");
    Run dup = cli("account", "create", "dup1");
    assertThat(dup.code()).as("conflict").isEqualTo(6);
    assertThat(dup.out()).isEmpty();
    assertThat(dup.err().strip()).isEqualTo("error: 409 conflict: account dup1 already exists");

    Run bad = cli("account", "create", "bad id");
    assertThat(bad.code()).as("a value the server refused").isEqualTo(2);
    assertThat(bad.err()).startsWith("error: 400 invalid_request").doesNotContain("\n\n");

    Run wrongToken = cli("account", "list", "--server=" + server.base(), "--admin-token-file=" + tokenFile("wrong-token-123456"));
    assertThat(wrongToken.code()).as("unauthorized").isEqualTo(4);
    assertThat(wrongToken.err()).startsWith("error: 401");

    Run down = cli("account", "list", "--server=http://127.0.0.1:1", "--admin-token-file=" + tokenFile("x"));
    assertThat(down.code()).as("unreachable").isEqualTo(3);
    assertThat(down.err()).contains("cannot reach http://127.0.0.1:1");

    Run noToken = cli("account", "list", "--server=" + server.base(), "--data=/nonexistent-gatehouse");
    assertThat(noToken.code()).as("usage").isEqualTo(2);
    assertThat(noToken.err()).contains("no admin token");
  }

  @Test
  void serve_withADatabaseItCannotUse_saysWhyAndExits() throws Exception {
    String data = java.nio.file.Files.createTempDirectory("gatehouse-cli").resolve("data").toString();
    Run mysql = cli("serve", "--data=" + data, "--port=0", "--db=mysql://127.0.0.1/x");
    assertThat(mysql.code()).as("a bad option value").isEqualTo(2);
    assertThat(mysql.err().strip()).isEqualTo("error: --db must be postgresql://HOST:PORT/DB?user=... (or a jdbc:postgresql: or jdbc:h2: URL); 'mysql' is not supported");

    Run noCache = cli("serve", "--data=" + data, "--port=0", "--verdict-cache-mb=-1");
    assertThat(noCache.code()).as("a bad option value").isEqualTo(2);
    assertThat(noCache.err().strip()).isEqualTo("error: --verdict-cache-mb must be 0..65536 MiB, got -1");

    Run refused = cli("serve", "--data=" + data, "--port=0", "--db=postgresql://127.0.0.1:1/x?user=u&password=hunter2secret");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).startsWith("error: cannot open the store jdbc:postgresql://127.0.0.1:1/x").contains("password=***")
        .doesNotContain("hunter2secret");
  }

  @Test
  void help_listsTheCommands() {
    Run help = cli("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("serve", "account", "app");
    Run serveHelp = cli("serve", "--help");
    assertThat(serveHelp.out()).contains("--port", "GATEHOUSE_PORT", "--tls-self-signed", "--public-host", "--service");
  }

  @Test
  void lockouts_listAndLift_throughTheCli() {
    Run list = cli("lockouts", "list");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("\"lockouts\"");
    Run lift = cli("lockouts", "lift", "--door", "admin_token", "--address", "127.0.0.9");
    assertThat(lift.code()).as(lift.err()).isZero();
    assertThat(lift.out()).contains("\"lifted\"");
    Run bad = cli("lockouts", "lift", "--door", "front");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("door must be");
  }

  @Test
  void operatorTokens_createListRevoke_throughTheCli() {
    Run made = cli("tokens", "create", "--name", "cli dashboard", "--role", "read");
    assertThat(made.code()).as(made.err()).isZero();
    io.vertx.core.json.JsonObject t = new io.vertx.core.json.JsonObject(made.out());
    assertThat(t.getString("token")).startsWith("gho_");
    Run list = cli("tokens", "list");
    assertThat(list.out()).contains("cli dashboard").doesNotContain(t.getString("token"));
    Run revoked = cli("tokens", "revoke", t.getString("id"));
    assertThat(revoked.code()).as(revoked.err()).isZero();
    assertThat(cli("tokens", "create", "--name", "x", "--role", "root").code()).isNotZero();
  }

  @Test
  void usageErrors_areOneLine_withASuggestion_andEveryFailureHasItsOwnExitCode() {
    Run typo = cli("app", "crate", "--account", "1");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err()).contains("Did you mean").contains("create").contains("see 'gatehouse app --help'");
    assertThat(typo.err().lines().count()).as("not the whole usage").isLessThan(6);
    Run option = cli("serve", "--prot", "8080");
    assertThat(option.code()).isEqualTo(2);
    assertThat(option.err()).contains("--port").doesNotContain("Usage:");

    cli("account", "create", "7700");
    Run app = cli("app", "create", "--account", "7700", "--name", "x");
    String id = new JsonObject(app.out()).getString("client_id");
    Run both = cli("app", "rotate-secret", "--account", "7700", id, "--grace", "1h", "--now");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("--grace and --now exclude each other");
    assertThat(cli("app", "show", "--account", "7700", "00000000-0000-0000-0000-000000000000").code()).as("not found").isEqualTo(5);

    Run table = cli("app", "list", "--account", "7700", "-o", "table");
    assertThat(table.code()).isZero();
    assertThat(table.out()).startsWith("CLIENT_ID").contains(id).doesNotContain("{");
    assertThat(cli("app", "list", "--account", "7700", "-o", "yaml").code()).isEqualTo(2);
  }

  @Test
  void consumersAndAudit_throughTheCli() {
    cli("account", "create", "7701");
    JsonObject app = new JsonObject(cli("app", "create", "--account", "7701", "--name", "c").out());
    TestServer.AppCredentials creds = new TestServer.AppCredentials("7701", app.getString("client_id"), app.getString("client_secret"));
    String jws = server.consumerJws("7701", server.appJwt(creds), "bob@example.com");
    String lp = TestServer.claims(jws).getString("lp_consumer_id");
    JsonObject shown = new JsonObject(cli("consumers", "show", "--account", "7701", "--ext", "bob@example.com").out());
    assertThat(shown.getString("lp_consumer_id")).isEqualTo(lp);
    assertThat(cli("consumers", "revoke", "--account", "7701", lp).code()).isZero();
    assertThat(new JsonObject(cli("consumers", "show", "--account", "7701", lp).out()).getBoolean("revoked")).isTrue();
    assertThat(cli("consumers", "erase", "--account", "7701", lp).code()).as("needs --yes").isEqualTo(2);
    assertThat(cli("consumers", "erase", "--account", "7701", lp, "--yes").code()).isZero();
    java.io.InputStream stdin = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream((TestServer.ADMIN_TOKEN + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      Run fromStdin = cli("account", "show", "7701", "--server=" + server.base(), "--admin-token-file=-");
      assertThat(fromStdin.code()).as("the admin token from stdin: " + fromStdin.err()).isZero();
    } finally {
      System.setIn(stdin);
    }
    JsonObject audit = new JsonObject(cli("audit", "--action", "consumer.", "--limit", "10").out());
    assertThat(audit.getJsonArray("entries").stream().map(e -> ((JsonObject) e).getString("action")))
        .contains("consumer.revoke", "consumer.erase").allMatch(a -> a.startsWith("consumer."));
  }
}
