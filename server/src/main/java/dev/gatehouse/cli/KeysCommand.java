package dev.gatehouse.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse keys list|rotate|retire}. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Signing keys: list, rotate, retire (through the admin API).",
    subcommands = {KeysCommand.ListAll.class, KeysCommand.Rotate.class, KeysCommand.Retire.class})
final class KeysCommand {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List signing keys and their states.")
  static final class ListAll extends AdminCommand {
    @Override
    JsonObject run() {
      return client.call("GET", "/admin/v1/keys", null);
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Publish a new key; it signs after the publication delay, and the old one retires when its tokens have expired.")
  static final class Rotate extends AdminCommand {
    @Option(names = "--purpose", defaultValue = "app", description = "app (AppJWT keys) or consumer (ConsumerJWS keys). Default: ${DEFAULT-VALUE}")
    String purpose;

    @Override
    JsonObject run() {
      if (!purpose.equals("app") && !purpose.equals("consumer")) {
        throw new AdminClient.Failure("--purpose must be app or consumer, got '" + purpose + "'");
      }
      return client.call("POST", "/admin/v1/keys/rotate", new JsonObject().put("purpose", purpose + "_token"));
    }
  }

  @Command(name = "retire", mixinStandardHelpOptions = true,
      description = "Take a key out of the JWKS: every token it signed fails. A ConsumerJWS key needs --force (connectors cache those tokens forever).")
  static final class Retire extends AdminCommand {
    @Parameters(index = "0", paramLabel = "KID")
    String kid;

    @Option(names = "--force", description = "Required for a ConsumerJWS key")
    boolean force;

    @Override
    JsonObject run() {
      JsonObject k = client.call("POST", "/admin/v1/keys/" + AdminClient.enc(kid) + "/retire", new JsonObject().put("force", force));
      if ("consumer_token".equals(k.getString("purpose"))) {
        spec.commandLine().getErr().println("warning: every ConsumerJWS signed by " + kid
            + " now fails; connectors must request new ones for their consumers");
      }
      return k;
    }
  }
}
