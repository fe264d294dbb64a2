package dev.gatehouse.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse account create|list|show}. */
@Command(name = "account", mixinStandardHelpOptions = true, description = "Manage accounts (through the admin API).",
    subcommands = {AccountCommand.Create.class, AccountCommand.ListAll.class, AccountCommand.Show.class})
final class AccountCommand {

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an account.")
  static final class Create extends AdminCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "Account id: 1-64 of A-Z a-z 0-9 _ -")
    String id;

    @Option(names = "--name", description = "Display name (default: the id)")
    String name;

    @Override
    JsonObject run() {
      JsonObject body = new JsonObject().put("id", id);
      if (name != null) {
        body.put("name", name);
      }
      return client.call("POST", "/admin/v1/accounts", body);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List accounts.")
  static final class ListAll extends AdminCommand {
    @Override
    JsonObject run() {
      return client.call("GET", "/admin/v1/accounts", null);
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one account.")
  static final class Show extends AdminCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    JsonObject run() {
      return client.call("GET", "/admin/v1/accounts/" + AdminClient.enc(id), null);
    }
  }
}
