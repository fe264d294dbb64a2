package dev.gatehouse.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatehouse lockouts list|lift}. */
@Command(name = "lockouts", mixinStandardHelpOptions = true,
    description = "Brute-force lockouts on the node the CLI talks to: list, lift (through the admin API).",
    subcommands = {LockoutsCommand.ListAll.class, LockoutsCommand.Lift.class})
final class LockoutsCommand {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the lockouts in force.")
  static final class ListAll extends AdminCommand {
    @Override
    JsonObject run() {
      return client.call("GET", "/admin/v1/lockouts", null);
    }
  }

  @Command(name = "lift", mixinStandardHelpOptions = true, description = "Lift the lockouts that match (all, without options).")
  static final class Lift extends AdminCommand {
    @Option(names = "--door", description = "client_secret, admin_token or introspection")
    String door;

    @Option(names = "--subject", description = "The client_id (or admin) that was locked out")
    String subject;

    @Option(names = "--address", description = "The source address that was locked out")
    String address;

    @Override
    JsonObject run() {
      StringBuilder q = new StringBuilder();
      for (String[] p : new String[][] {{"door", door}, {"subject", subject}, {"address", address}}) {
        if (p[1] != null) {
          q.append(q.length() == 0 ? "?" : "&").append(p[0]).append('=').append(AdminClient.enc(p[1]));
        }
      }
      return client.call("DELETE", "/admin/v1/lockouts" + q, null);
    }
  }
}
