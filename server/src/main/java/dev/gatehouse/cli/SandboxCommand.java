package dev.gatehouse.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse sandbox ...}: the Send API sandbox of a server started with {@code serve --sandbox}. */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
    description = "The Send API sandbox (serve --sandbox): conversations, agent messages, settings, webhook deliveries.",
    subcommands = {SandboxCommand.Conversations.class, SandboxCommand.Show.class, SandboxCommand.AgentMessage.class, SandboxCommand.Settings.class,
        SandboxCommand.Deliveries.class})
final class SandboxCommand {

  abstract static class OnAccount extends AdminCommand {
    @Option(names = "--account", required = true, paramLabel = "ID", description = "Account id")
    String account;

    String base() {
      return "/admin/v1/accounts/" + AdminClient.enc(account);
    }
  }

  @Command(name = "conversations", mixinStandardHelpOptions = true, description = "List an account's conversations, newest first.")
  static final class Conversations extends OnAccount {
    @Option(names = "--limit", defaultValue = "50", description = "At most this many. Default: ${DEFAULT-VALUE}")
    int limit;

    @Option(names = "--before", paramLabel = "INSTANT", description = "Started before this instant (next_before of the previous page)")
    String before;

    @Option(names = "--before-id", paramLabel = "ID", description = "With --before: after this conversation of that instant (next_before_id of the previous page)")
    String beforeId;

    @Override
    JsonObject run() {
      return client.call("GET", base() + "/conversations?limit=" + limit + (before == null ? "" : "&before=" + AdminClient.enc(before))
          + (beforeId == null ? "" : "&before_id=" + AdminClient.enc(beforeId)), null);
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one conversation and its events.")
  static final class Show extends OnAccount {
    @Parameters(index = "0", paramLabel = "CONVERSATION_ID")
    String conversation;

    @Override
    JsonObject run() {
      return client.call("GET", base() + "/conversations/" + AdminClient.enc(conversation), null);
    }
  }

  @Command(name = "agent-message", mixinStandardHelpOptions = true, description = "Send a message as the agent into an open conversation.")
  static final class AgentMessage extends OnAccount {
    @Parameters(index = "0", paramLabel = "CONVERSATION_ID")
    String conversation;

    @Parameters(index = "1", paramLabel = "TEXT")
    String text;

    @Override
    JsonObject run() {
      return client.call("POST", base() + "/conversations/" + AdminClient.enc(conversation) + "/agent-messages", new JsonObject().put("text", text));
    }
  }

  @Command(name = "settings", mixinStandardHelpOptions = true,
      description = "Show or change the account's sandbox settings: the scripted agent and fault injection for connector tests.")
  static final class Settings extends OnAccount {
    @Option(names = "--agent", paramLabel = "echo|accept|none", description = "What the scripted agent does")
    String agent;

    @Option(names = "--fault", paramLabel = "NAME=VALUE", description = "A fault setting, repeatable: webhook_delay_ms, webhook_delay_share,"
        + " webhook_fail_share, webhook_duplicate_share, webhook_reorder_share, send_error_share, send_error_status")
    java.util.List<String> faults;

    @Override
    JsonObject run() {
      if (agent == null && (faults == null || faults.isEmpty())) {
        return client.call("GET", base() + "/sandbox", null);
      }
      JsonObject f = new JsonObject();
      for (String kv : faults == null ? java.util.List.<String>of() : faults) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new AdminClient.Failure("--fault must be NAME=VALUE, got '" + kv + "'");
        }
        try {
          f.put(kv.substring(0, eq), Double.parseDouble(kv.substring(eq + 1)));
        } catch (NumberFormatException e) {
          throw new AdminClient.Failure("--fault " + kv.substring(0, eq) + " must be a number, got '" + kv.substring(eq + 1) + "'");
        }
      }
      JsonObject body = new JsonObject().put("faults", f);
      if (agent != null) {
        body.put("agent", agent);
      }
      return client.call("PUT", base() + "/sandbox", body);
    }
  }

  @Command(name = "deliveries", mixinStandardHelpOptions = true, description = "List the account's webhook deliveries, newest first.")
  static final class Deliveries extends OnAccount {
    @Option(names = "--state", paramLabel = "pending|delivered|dropped", description = "Only these")
    String state;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many. Default: ${DEFAULT-VALUE}")
    int limit;

    @Override
    JsonObject run() {
      return client.call("GET", base() + "/webhook-deliveries?limit=" + limit + (state == null ? "" : "&state=" + AdminClient.enc(state)), null);
    }
  }
}
