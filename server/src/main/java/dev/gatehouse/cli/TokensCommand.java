package dev.gatehouse.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse tokens create|list|revoke}: named operator tokens with a role. */
@Command(name = "tokens", mixinStandardHelpOptions = true,
    description = "Operator tokens with a role (admin, read, introspect): create, list, revoke (through the admin API).",
    subcommands = {TokensCommand.Create.class, TokensCommand.ListAll.class, TokensCommand.Revoke.class})
final class TokensCommand {

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a token; its value is printed this once.")
  static final class Create extends AdminCommand {
    @Option(names = "--name", required = true, description = "Who or what holds it (shown in the audit log)")
    String name;

    @Option(names = "--role", required = true, description = "admin (everything), read (admin API GETs), introspect (/oauth/introspect only)")
    String role;

    @Override
    JsonObject run() {
      return client.call("POST", "/admin/v1/tokens", new JsonObject().put("name", name).put("role", role));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tokens (never their values).")
  static final class ListAll extends AdminCommand {
    @Override
    JsonObject run() {
      return client.call("GET", "/admin/v1/tokens", null);
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token: it stops working on every node.")
  static final class Revoke extends AdminCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    JsonObject run() {
      return client.call("DELETE", "/admin/v1/tokens/" + AdminClient.enc(id), null);
    }
  }
}
